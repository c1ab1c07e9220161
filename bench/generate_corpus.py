"""Write N synthetic source files built from the real ones (default 200,000).

    python bench/generate_corpus.py OUT_DIR [-n 200000]

Copy k of a real file keeps its answer, keywords and related structure, with a new unique url: the slug
and every related url get the suffix "-k<k>", so copy k's relations resolve within copy k (and the real
corpus's dangling ones stay dangling).
"""

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import full_corpus  # noqa: E402

URL = re.compile(r"^(\s*url: /learn/[^/\n]+/questions/)([^\s]+)$", re.MULTILINE)
FILE_NAME = re.compile(r"^file_name: (\S+)\.md$", re.MULTILINE)


def synthetic(text, copy):
    suffix = f"-k{copy}"
    text = FILE_NAME.sub(lambda m: f"file_name: {m.group(1)}{suffix}.md", text, count=1)
    return URL.sub(lambda m: f"{m.group(1)}{m.group(2)}{suffix}", text)


def generate(out, count):
    corpus = full_corpus()
    if corpus is None:
        raise SystemExit("generator needs ../shared/corpus")
    sources = sorted(corpus.rglob("*.md"))
    written = 0
    for copy in range(1, count // len(sources) + 2):
        for path in sources:
            if written == count:
                return written
            target = out / f"copy{copy}" / path.parent.name / f"{path.stem}-k{copy}.md"
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(synthetic(path.read_text(encoding="utf-8"), copy), encoding="utf-8")
            written += 1
    return written


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=200_000)
    args = parser.parse_args()
    print(f"wrote {generate(args.out, args.n):,} files under {args.out}")


if __name__ == "__main__":
    main()
