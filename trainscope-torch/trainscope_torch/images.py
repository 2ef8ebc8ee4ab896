"""Pictures for the event file: PNG encoding (zlib from the standard library) and grids of samples.

A grid is laid out as torchvision's ``make_grid`` and Trainscope's ``Images.grid`` lay it out:
``min(8, n)`` images per row, 2 black pixels around and between them.
"""

import struct
import zlib

import torch

from .stats import tensor_bytes

COLUMNS = 8
PADDING = 2


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(pixels):
    """A PNG of a uint8 tensor [H, W] (grey) or [H, W, 3] (RGB), 8 bits per sample, no filtering."""
    if pixels.dtype != torch.uint8:
        raise ValueError("PNG pixels must be uint8, were %s" % pixels.dtype)
    if pixels.dim() == 2:
        h, w = pixels.shape
        channels, color_type = 1, 0
    elif pixels.dim() == 3 and pixels.shape[2] in (3, 4):
        h, w, channels = pixels.shape
        color_type = 2 if channels == 3 else 6
    else:
        raise ValueError("PNG pixels must be [H, W], [H, W, 3] or [H, W, 4], were %s" % (tuple(pixels.shape),))
    if h < 1 or w < 1:
        raise ValueError("a PNG needs at least one pixel, was %d x %d" % (w, h))
    rows = pixels.contiguous().reshape(h, w * channels)
    # each scanline starts with filter type 0 (none)
    raw = torch.cat((torch.zeros(h, 1, dtype=torch.uint8), rows), dim=1).contiguous()
    data = zlib.compress(tensor_bytes(raw), 6)
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def to_uint8(samples, mean=None, std=None):
    """Samples [N, C, H, W] (float) as uint8: with ``mean`` and ``std`` (per channel) the
    normalisation ``(x - mean) / std`` is undone and [0, 1] maps to [0, 255]; without, the samples'
    [min, max] maps to [0, 255]."""
    x = samples.detach().to(torch.float64)
    if mean is not None:
        c = x.shape[1]
        m = torch.as_tensor(mean, dtype=torch.float64).reshape(-1)
        s = torch.as_tensor(std, dtype=torch.float64).reshape(-1)
        if m.numel() == 1:
            m = m.expand(c)
        if s.numel() == 1:
            s = s.expand(c)
        x = (x * s.reshape(1, c, 1, 1) + m.reshape(1, c, 1, 1)) * 255.0
    else:
        finite = x[torch.isfinite(x)]
        lo = float(finite.min()) if finite.numel() else 0.0
        hi = float(finite.max()) if finite.numel() else 0.0
        x = (x - lo) * (255.0 / (hi - lo)) if hi > lo else torch.zeros_like(x)
    return torch.nan_to_num(x, nan=0.0).round().clamp(0, 255).to(torch.uint8)


def grid(images, columns=COLUMNS, padding=PADDING):
    """uint8 images [N, C, H, W] (C 1 or 3) in a grid, [H', W'] or [H', W', 3]."""
    n, c, h, w = images.shape
    cols = min(columns, n)
    rows = (n + cols - 1) // cols
    out = torch.zeros(c, rows * (h + padding) + padding, cols * (w + padding) + padding, dtype=torch.uint8)
    for i in range(n):
        y = padding + (i // cols) * (h + padding)
        x = padding + (i % cols) * (w + padding)
        out[:, y:y + h, x:x + w] = images[i]
    return out[0] if c == 1 else out.permute(1, 2, 0).contiguous()


def as_images(batch):
    """A batch seen as pictures [N, C, H, W], or None: [N, C, H, W] with C 1 or 3, [N, H, W, C]
    with C 1 or 3, [N, H, W] as grey, [N, L] with a square L as grey squares (a flattened MNIST
    digit)."""
    if not torch.is_tensor(batch) or not batch.is_floating_point() or batch.dim() < 2 or batch.shape[0] == 0:
        return None
    s = batch.shape
    if batch.dim() == 4 and s[1] in (1, 3):
        return batch
    if batch.dim() == 4 and s[3] in (1, 3):
        return batch.permute(0, 3, 1, 2)
    if batch.dim() == 3:
        return batch.unsqueeze(1)
    if batch.dim() == 2:
        side = int(round(s[1] ** 0.5))
        if side > 1 and side * side == s[1]:
            return batch.reshape(s[0], 1, side, side)
    return None
