"""Draws the example input images in examples/images/ (hand-drawn-looking pen figures on paper,
made with Pillow at 4× and downsampled). Run from the repository root:
python scripts/make_example_inputs.py"""

from pathlib import Path

from PIL import Image, ImageDraw

SCALE = 4


def figure(name: str, size: tuple[int, int], strokes, width: int, ink="#1a1a2e", paper="#f4f1e8"):
    big = Image.new("RGB", (size[0] * SCALE, size[1] * SCALE), paper)
    pen = ImageDraw.Draw(big)
    for kind, points in strokes:
        points = [(x * SCALE, y * SCALE) for x, y in points]
        if kind == "arc":
            pen.arc(points, *ARCS[name], fill=ink, width=width * SCALE)
        else:
            pen.line(points, fill=ink, width=width * SCALE, joint="curve")
    big.resize(size, Image.LANCZOS).save(Path("examples/images") / name)


ARCS = {"two.png": (180, 20), "smile.png": (20, 160)}


def main():
    Path("examples/images").mkdir(parents=True, exist_ok=True)
    figure("two.png", (160, 200), [("arc", [(35, 30), (125, 110)]), ("line", [(120, 82), (38, 170), (130, 170)])], 14)
    figure("seven.png", (180, 180), [("line", [(40, 40), (140, 40), (80, 150)]), ("line", [(70, 95), (125, 95)])], 14)
    figure("smile.png", (240, 160), [("arc", [(50, 10), (190, 130)]), ("line", [(95, 45), (95, 60)]),
                                     ("line", [(145, 45), (145, 60)])], 12)
    print("wrote examples/images/two.png, seven.png, smile.png")


if __name__ == "__main__":
    main()
