<?xml version="1.0" encoding="UTF-8"?>
<!-- The sitemap (index and pages) as a page a person can read (articles.site.sitemaps names it).
     No inline script or style: the site's Content-Security-Policy holds on the page this makes. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9" exclude-result-prefixes="sm">
<xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat" indent="yes"/>
<xsl:template match="/">
<html lang="en">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Sitemap | {{ SITE_NAME }}</title>
<link rel="icon" href="{{ links.favicon }}" type="image/svg+xml"/>
<link rel="stylesheet" href="{{ links.site_css }}"/>
</head>
<body>
<header class="site-header">
  <div class="wrap site-header-inner">
    <a class="brand" href="{{ links.home }}"><img class="brand-mark" src="{{ links.favicon }}" alt="" width="28" height="28"/><span>{{ SITE_NAME }}</span></a>
  </div>
</header>
<div class="wrap page-grid">
<main id="main" class="span-all">
  <header class="page-header">
    <p class="eyebrow">Sitemap</p>
    <xsl:choose>
      <xsl:when test="sm:sitemapindex">
        <h1>Sitemap index</h1>
        <p class="lede"><xsl:value-of select="count(sm:sitemapindex/sm:sitemap)"/> sitemaps, for search engines. People may prefer <a href="{{ links.subjects }}">the subjects</a>.</p>
      </xsl:when>
      <xsl:otherwise>
        <h1>Sitemap</h1>
        <p class="lede"><xsl:value-of select="count(sm:urlset/sm:url)"/> addresses, for search engines. People may prefer <a href="{{ links.subjects }}">the subjects</a>.</p>
      </xsl:otherwise>
    </xsl:choose>
  </header>
  <ol class="sitemap-list">
    <xsl:for-each select="sm:sitemapindex/sm:sitemap | sm:urlset/sm:url">
      <li><a href="{sm:loc}"><xsl:value-of select="sm:loc"/></a><xsl:if test="sm:lastmod"><xsl:text> </xsl:text><span class="sitemap-date"><xsl:value-of select="substring(sm:lastmod, 1, 10)"/></span></xsl:if></li>
    </xsl:for-each>
  </ol>
</main>
</div>
</body>
</html>
</xsl:template>
</xsl:stylesheet>
