"""Write the sample seal and signature images in examples/seals/ (``python examples/make_seals.py``).

They are generated here, not scanned: a red ring, a five-pointed star and the words 示例印章 along the arc, on a
transparent background, so nobody mistakes them for a real organisation's seal. The committed PNGs are what
this script writes with the fonts `make setup` installs (Noto Sans CJK SC Bold, AR PL KaitiM GB).
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 600  # pixels across: 42 mm at about 360 dpi
RED = (213, 28, 36, 235)
SEALS = {"seal-1.png": ("示例印章（甲）仅供演示", "样章"), "seal-2.png": ("示例印章（乙）仅供演示", "样章"),
         "seal-3.png": ("示例印章（丙）仅供演示", "样章")}
SIGNATURES = {"signature-1.png": "张示例", "signature-2.png": "李示例", "signature-3.png": "王示例"}


def font_file(pattern: str) -> str:
    """The file fontconfig picks for ``pattern``."""
    return subprocess.run(["fc-match", "-f", "%{file}", pattern], check=True, capture_output=True,
                          text=True).stdout


def seal(arc_text: str, bottom_text: str, font: str) -> Image.Image:
    """A round seal: ring, star, ``arc_text`` along the upper arc and ``bottom_text`` under the star."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre, ring = SIZE / 2, SIZE * 0.035
    draw.ellipse((ring / 2, ring / 2, SIZE - ring / 2, SIZE - ring / 2), outline=RED, width=round(ring))
    star_r = SIZE * 0.16
    points = [(centre + (star_r if k % 2 == 0 else star_r * 0.382) * math.sin(math.pi * k / 5),
               centre - (star_r if k % 2 == 0 else star_r * 0.382) * math.cos(math.pi * k / 5)) for k in range(10)]
    draw.polygon(points, fill=RED)
    glyph = ImageFont.truetype(font, round(SIZE * 0.11))
    radius = SIZE / 2 - ring - SIZE * 0.09
    span = 240.0  # degrees of arc the text covers, centred on the top
    for n, char in enumerate(arc_text):
        angle = -span / 2 + span * (n + 0.5) / len(arc_text)
        tile = Image.new("RGBA", (round(SIZE * 0.14),) * 2, (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((tile.width / 2, tile.height / 2), char, font=glyph, fill=RED, anchor="mm")
        tile = tile.rotate(-angle, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.sin(math.radians(angle)) - tile.width / 2
        y = centre - radius * math.cos(math.radians(angle)) - tile.height / 2
        image.alpha_composite(tile, (round(x), round(y)))
    small = ImageFont.truetype(font, round(SIZE * 0.08))
    draw.text((centre, centre + SIZE * 0.27), bottom_text, font=small, fill=RED, anchor="mm")
    return image


def signature(name: str, font: str) -> Image.Image:
    """A name in 楷体, dark blue ink on a transparent background, slanted a little like a hand signature."""
    glyph = ImageFont.truetype(font, 150)
    image = Image.new("RGBA", (560, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((280, 100), name, font=glyph, fill=(20, 30, 90, 255), anchor="mm")
    slanted = image.transform(image.size, Image.Transform.AFFINE, (1, 0.25, -25, 0, 1, 0),
                              resample=Image.Resampling.BICUBIC)
    return slanted.crop(slanted.getbbox())


def main() -> None:
    """Write the seals and signatures next to this script, in seals/."""
    folder = Path(__file__).with_name("seals")
    folder.mkdir(exist_ok=True)
    bold = font_file("Noto Sans CJK SC:bold")
    for name, (arc, bottom) in SEALS.items():
        seal(arc, bottom, bold).save(folder / name, optimize=True)
    kai = font_file("AR PL KaitiM GB")
    for name, text in SIGNATURES.items():
        signature(text, kai).save(folder / name, optimize=True)


if __name__ == "__main__":
    main()
