"""Build the catalogue PDF's fallback font for symbols and emoji that the Chinese font lacks.

    pip install -e '.[font-build]'
    apt-get install fonts-symbola
    python scripts/build_pdf_symbol_font.py [--symbola /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf]

Writes src/techtransfer/achievements/fonts/symbola-symbols.ttf: Symbola (George Douros, "free for
any use", Debian's fonts-symbola) cut down to the code points of the symbol and emoji blocks
(U+2000–2BFF, U+1F000–1FAFF) that WenQuanYi Micro Hei does not draw, hinting dropped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "src" / "techtransfer" / "achievements" / "fonts"
BLOCKS = (range(0x2000, 0x2C00), range(0x1F000, 0x1FB00))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--symbola", default="/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")
    parser.add_argument("--out", default=str(FONTS / "symbola-symbols.ttf"))
    args = parser.parse_args()
    chinese = set(TTFont(FONTS / "wqy-microhei.ttc", fontNumber=0).getBestCmap())
    symbola = TTFont(args.symbola)
    wanted = sorted(c for c in symbola.getBestCmap() if any(c in block for block in BLOCKS) and c not in chinese)
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(symbola)
    symbola.save(args.out)
    print(f"{len(wanted)} code points → {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
