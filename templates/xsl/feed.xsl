<?xml version="1.0" encoding="UTF-8"?>
<!-- The RSS and Atom feeds as a page a person can read (articles.site.feeds names it in each feed).
     No inline script or style: the site's Content-Security-Policy holds on the page this makes. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat" indent="yes"/>
<xsl:variable name="title" select="(/rss/channel/title | /atom:feed/atom:title)[1]"/>
<xsl:variable name="site" select="(/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href)[1]"/>
<xsl:template match="/">
<html lang="en">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:value-of select="$title"/> (feed)</title>
<link rel="icon" href="{{ links.favicon }}" type="image/svg+xml"/>
<link rel="stylesheet" href="{{ links.site_css }}"/>
</head>
<body>
<header class="site-header">
  <div class="wrap site-header-inner">
    <a class="brand" href="{$site}"><img class="brand-mark" src="{{ links.favicon }}" alt="" width="28" height="28"/><span>{{ SITE_NAME }}</span></a>
  </div>
</header>
<div class="wrap page-grid">
<main id="main" class="span-all">
  <header class="page-header">
    <p class="eyebrow">Web feed</p>
    <h1><xsl:value-of select="$title"/></h1>
    <p class="lede">Follow new questions in a feed reader: give it this page's address. Or <a href="{$site}">visit the site</a>.</p>
  </header>
  <ol class="article-list">
    <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
  </ol>
</main>
</div>
</body>
</html>
</xsl:template>
<xsl:template match="item">
  <li class="article-card">
    <a class="article-card-title" href="{link}"><xsl:value-of select="title"/></a>
    <p class="article-card-text"><xsl:value-of select="description"/></p>
    <p class="article-card-meta"><span class="subject-tag"><xsl:value-of select="category[1]"/></span><xsl:text> </xsl:text><xsl:value-of select="substring(pubDate, 6, 11)"/></p>
  </li>
</xsl:template>
<xsl:template match="atom:entry">
  <li class="article-card">
    <a class="article-card-title" href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
    <p class="article-card-text"><xsl:value-of select="atom:summary"/></p>
    <p class="article-card-meta"><span class="subject-tag"><xsl:value-of select="atom:category[1]/@term"/></span><xsl:text> </xsl:text><xsl:value-of select="substring(atom:published, 1, 10)"/></p>
  </li>
</xsl:template>
</xsl:stylesheet>
