#!/usr/bin/python3
"""Writes the Pillow reference outputs that pil_golden_test.go compares with.

Run with Debian's Pillow (python3-pil 9.4):  /usr/bin/python3 make_golden.py
The input picture is pilInput(w, h) of pil_golden_test.go, drawn here with the
same integer formulas; each output is what Keras' load_img does to it:
convert to RGB or L, then resize with NEAREST or BILINEAR.
"""
from PIL import Image

# (input w, h, output w, h). 500x375 -> 150x150 is a phone-photo aspect to the
# tutorial's size, where a naive nearest position formula disagrees with
# Pillow's; 2x2 -> 7x7 is an upscale by a non-integer factor.
CASES = [(97, 61, 40, 30), (23, 17, 40, 30), (500, 375, 150, 150), (2, 2, 7, 7)]


def pil_input(w, h):
    im = Image.new("RGBA", (w, h))
    px = im.load()
    for y in range(h):
        for x in range(w):
            r = x * 255 // max(w - 1, 1)
            g = y * 255 // max(h - 1, 1)
            b = (x * x * 7 + y * 13 + x * y * 3) % 256
            a = 255
            if x < w // 4 and y < h // 4:
                a = 40 + (x + y) % 100
            px[x, y] = (r, g, b, a)
    return im


def name(w, h, ow, oh, interp, mode):
    if (ow, oh) == (40, 30):  # the original cases keep their names
        return f"{w}x{h}_{interp}_{mode}.png"
    return f"{w}x{h}_to_{ow}x{oh}_{interp}_{mode}.png"


for w, h, ow, oh in CASES:
    src = pil_input(w, h)
    for interp, flag in (("nearest", Image.NEAREST), ("bilinear", Image.BILINEAR)):
        for mode, pil_mode in (("rgb", "RGB"), ("grayscale", "L")):
            src.convert(pil_mode).resize((ow, oh), flag).save(name(w, h, ow, oh, interp, mode))
