"""The functions behind the transforms, as ``torchvision.transforms.functional``. Each takes a PIL
image or a Tensor image (``[..., C, H, W]``) and gives back the same kind; PIL images keep their
mode (and Pillow does the resampling, as torchvision's PIL path does).

>>> import numpy as np
>>> img = to_pil_image(np.arange(12, dtype=np.uint8).reshape(3, 4))
>>> pil_to_tensor(hflip(img)).tolist()
[[[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8]]]
"""

import numbers

from ...backend import xp
from ...tensor import Tensor

__all__ = ["adjust_brightness", "adjust_contrast", "adjust_hue", "adjust_saturation", "center_crop", "convert_image_dtype", "crop", "get_dimensions", "hflip", "normalize", "pad",
           "pil_to_tensor", "resize", "resized_crop", "rgb_to_grayscale", "rotate", "to_grayscale", "to_pil_image",
           "to_tensor", "vflip"]


def _is_pil(img):
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover
        return False
    return isinstance(img, Image.Image)


def _check(img):
    if not (_is_pil(img) or isinstance(img, Tensor)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def _chw(img):
    """The pixels as an array [..., C, H, W] (a PIL image's H x W (x C) moved channels first)."""
    if isinstance(img, Tensor):
        return img.array
    a = xp.array(img)
    return a[None] if a.ndim == 2 else a.transpose(2, 0, 1)


def _like(a, img):
    """``a`` ([..., C, H, W]) as the same kind of image as ``img``."""
    if isinstance(img, Tensor):
        return Tensor._wrap(xp.ascontiguousarray(a))
    from PIL import Image

    hwc = a[0] if a.shape[0] == 1 else a.transpose(1, 2, 0)
    return Image.fromarray(xp.ascontiguousarray(hwc), mode=img.mode)


def get_dimensions(img):
    """[channels, height, width]."""
    _check(img)
    if isinstance(img, Tensor):
        c = img.shape[-3] if img.ndim > 2 else 1
        return [c, img.shape[-2], img.shape[-1]]
    return [len(img.getbands()), img.height, img.width]


def to_tensor(pic):
    """PIL image or H x W (x C) NumPy array -> C x H x W Tensor; uint8 values become float in [0, 1]."""
    from ... import get_default_dtype

    if _is_pil(pic):
        a = xp.array(pic, dtype={"I": xp.int32, "F": xp.float32}.get(pic.mode, xp.uint8))
        if pic.mode == "1":
            a = a.astype(xp.uint8) * 255
        a = a.reshape(pic.height, pic.width, len(pic.getbands())).transpose(2, 0, 1)
    elif isinstance(pic, xp.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        a = (pic[:, :, None] if pic.ndim == 2 else pic).transpose(2, 0, 1)
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if a.dtype == xp.uint8:
        return Tensor._wrap(a.astype(get_default_dtype()) / get_default_dtype().type(255))
    return Tensor._wrap(xp.ascontiguousarray(a))


def pil_to_tensor(pic):
    """PIL image -> C x H x W Tensor of its own dtype (uint8 for 'L', 'RGB', ...), values unchanged."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    a = xp.array(pic)
    if pic.mode == "1":
        a = a.astype(xp.uint8)
    return Tensor._wrap(xp.ascontiguousarray(a.reshape(pic.height, pic.width, len(pic.getbands())).transpose(2, 0, 1)))


def to_pil_image(pic, mode=None):
    """C x H x W Tensor or H x W (x C) array -> PIL image (floats are scaled by 255 to uint8)."""
    from PIL import Image

    if isinstance(pic, Tensor):
        a = pic.detach().array
        a = a.transpose(1, 2, 0) if a.ndim == 3 else a
    elif isinstance(pic, xp.ndarray):
        a = pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {a.ndim} dimensions.")
    if a.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {a.shape[-1]} channels.")
    if a.dtype.kind == "f" and mode != "F":
        a = (a * 255).astype(xp.uint8)
    channels = a.shape[2]
    if channels == 1:
        a = a[:, :, 0]
        expected = {"uint8": "L", "int32": "I", "float32": "F"}.get(a.dtype.name)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {a.dtype}. Should be {expected}")
        mode = expected
    elif mode is None and a.dtype == xp.uint8:
        mode = {2: "LA", 3: "RGB", 4: "RGBA"}[channels]
    if mode is None:
        raise TypeError(f"Input type {a.dtype} is not supported")
    return Image.fromarray(xp.ascontiguousarray(a), mode=mode)


def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel, for a float Tensor image [..., C, H, W]."""
    from ... import as_tensor

    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if tensor.dtype.kind != "f":
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {tuple(tensor.shape)}")
    mean, std = xp.asarray(mean, dtype=tensor.dtype), xp.asarray(std, dtype=tensor.dtype)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    mean, std = (m.reshape(-1, 1, 1) if m.ndim == 1 else m for m in (mean, std))
    for m in (mean, std):
        if m.ndim == 3 and m.shape[0] not in (1, tensor.shape[-3]):
            if tensor.shape[-3] == 1:  # torch's in-place subtraction cannot grow the tensor
                shape = list(tensor.shape)
                raise RuntimeError(f"output with shape {shape} doesn't match the broadcast shape {shape[:-3] + [m.shape[0]] + shape[-2:]}")
            raise RuntimeError(f"The size of tensor a ({tensor.shape[-3]}) must match the size of tensor b ({m.shape[0]}) "
                               f"at non-singleton dimension {tensor.ndim - 3}")
    if not tensor.requires_grad:  # the common case (a data pipeline): straight on the array
        out = Tensor._wrap(((tensor.array - mean) / std).astype(tensor.dtype, copy=False))
    else:
        out = (tensor - as_tensor(mean)) / as_tensor(std)
    if inplace:
        tensor.copy_(out.detach())
        return tensor
    return out


def _output_size(h, w, size, max_size=None):
    if isinstance(size, int):
        size = [size]
    if len(size) == 2:
        return [size[0], size[1]]
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size[0], int(size[0] * long / short)
    if max_size is not None:
        if max_size <= size[0]:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if w <= h else [new_short, new_long]


_PIL_FILTERS = {"nearest": 0, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5, "lanczos": 1, "nearest-exact": 0}


def resize(img, size, interpolation="bilinear", max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the smaller edge, keeping the aspect ratio).
    PIL images are resampled by Pillow (as torchvision does); tensors by Pillow channel by channel
    in float32 (close to, but not bit-identical with, torchvision's tensor kernels)."""
    _check(img)
    interpolation = getattr(interpolation, "value", interpolation)
    if isinstance(size, (list, tuple)) and len(size) not in (1, 2):
        raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list")
    _, h, w = get_dimensions(img)
    out_h, out_w = _output_size(h, w, size, max_size)
    if [h, w] == [out_h, out_w]:
        return img
    resample = _PIL_FILTERS[interpolation]
    if _is_pil(img):
        return img.resize((out_w, out_h), resample)
    from PIL import Image

    a = img.array
    flat = a.reshape(-1, h, w).astype(xp.float32)
    planes = [xp.asarray(Image.fromarray(p, mode="F").resize((out_w, out_h), resample)) for p in flat]
    out = xp.stack(planes).reshape(*a.shape[:-2], out_h, out_w)
    if a.dtype.kind != "f":
        out = xp.clip(xp.round(out), xp.iinfo(a.dtype).min, xp.iinfo(a.dtype).max)
    return Tensor._wrap(out.astype(a.dtype))


def crop(img, top, left, height, width):
    """The ``height`` x ``width`` window at (``top``, ``left``); outside the image reads zeros."""
    _check(img)
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    a = img.array
    h, w = a.shape[-2:]
    pads = [(0, 0)] * (a.ndim - 2) + [(max(0, -top), max(0, top + height - h)), (max(0, -left), max(0, left + width - w))]
    a = xp.pad(a, pads)
    top, left = max(top, 0), max(left, 0)
    return Tensor._wrap(xp.ascontiguousarray(a[..., top : top + height, left : left + width]))


def _pair(size):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return size[0], size[0]
    return tuple(size)


def center_crop(img, output_size):
    """The centre ``output_size`` window (zero-padded first when the image is smaller)."""
    th, tw = _pair(output_size)
    _, h, w = get_dimensions(img)
    if tw > w or th > h:
        padding = [(tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0,
                   (tw - w + 1) // 2 if tw > w else 0, (th - h + 1) // 2 if th > h else 0]
        img = pad(img, padding, fill=0)
        _, h, w = get_dimensions(img)
        if tw == w and th == h:
            return img
    return crop(img, int(round((h - th) / 2.0)), int(round((w - tw) / 2.0)), th, tw)


def _ltrb(padding):
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the borders: ``padding`` = int, (left/right, top/bottom) or (left, top, right, bottom);
    ``padding_mode`` constant (with ``fill``), edge, reflect or symmetric."""
    _check(img)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _ltrb(padding)
    a = _chw(img)
    pads = [(0, 0)] * (a.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        if isinstance(fill, (tuple, list)) and a.ndim >= 3:
            out = xp.stack([xp.pad(a[..., c, :, :], pads[1:], constant_values=fill[c]) for c in range(a.shape[-3])], axis=-3)
        else:
            out = xp.pad(a, pads, constant_values=fill)
    else:
        out = xp.pad(a, pads, mode=padding_mode)
    return _like(out.astype(a.dtype), img)


def hflip(img):
    """Mirror left-right."""
    _check(img)
    return _like(_chw(img)[..., ::-1], img)


def vflip(img):
    """Mirror top-bottom."""
    _check(img)
    return _like(_chw(img)[..., ::-1, :], img)


def rgb_to_grayscale(img, num_output_channels=1):
    """Luma (0.299 R + 0.587 G + 0.114 B), repeated to ``num_output_channels`` (1 or 3)."""
    _check(img)
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _is_pil(img):
        from PIL import Image

        grey = img.convert("L")
        if num_output_channels == 1:
            return grey
        g = xp.asarray(grey)
        return Image.fromarray(xp.dstack([g, g, g]), "RGB")
    a = img.array
    if a.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {a.ndim}")
    if a.shape[-3] not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found {a.shape[-3]}")
    if a.shape[-3] == 3:  # computed in the image's float dtype (float32 for integer images), then cast back
        work = a if a.dtype.kind == "f" else a.astype(xp.float32)
        c = work.dtype.type
        grey = (c(0.2989) * work[..., 0, :, :] + c(0.587) * work[..., 1, :, :] + c(0.114) * work[..., 2, :, :])
        out = grey.astype(a.dtype)[..., None, :, :]
    else:
        out = a.copy()
    if num_output_channels == 3:  # torchvision expands to the input's shape (so grey input stays 1 channel)
        out = xp.broadcast_to(out, a.shape).copy()
    return Tensor._wrap(out)


to_grayscale = rgb_to_grayscale


def convert_image_dtype(image, dtype=None):
    """Cast a Tensor image, rescaling values: integers span [0, max of the type], floats [0, 1]."""
    from ... import float32

    dtype = float32 if dtype is None else xp.dtype(dtype)
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    a = image.array
    if a.dtype == dtype:
        return image
    if a.dtype.kind == "f":
        if dtype.kind == "f":
            return Tensor._wrap(a.astype(dtype))
        if (a.dtype == xp.float32 and dtype in (xp.int32, xp.int64)) or (a.dtype == xp.float64 and dtype == xp.int64):
            raise RuntimeError(f"The cast from {a.dtype} to {dtype} cannot be performed safely.")
        return Tensor._wrap((a * (xp.iinfo(dtype).max + 1.0 - 1e-3)).astype(dtype))
    top = float(xp.iinfo(a.dtype).max)
    if dtype.kind == "f":
        return Tensor._wrap((a.astype(dtype) / dtype.type(top)))
    ratio = (xp.iinfo(dtype).max + 1) // (int(top) + 1)
    if ratio >= 1:
        return Tensor._wrap(a.astype(dtype) * ratio)
    return Tensor._wrap((a // ((int(top) + 1) // (xp.iinfo(dtype).max + 1))).astype(dtype))


def resized_crop(img, top, left, height, width, size, interpolation="bilinear", antialias=True):
    """:func:`crop`, then :func:`resize` to ``size``."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def _fill_for(img, fill):
    """The ``fillcolor`` Pillow wants for ``img`` (one value per band, ints unless mode 'F')."""
    bands = len(img.getbands())
    fill = 0 if fill is None else fill
    if isinstance(fill, (int, float)) and bands > 1:
        fill = (fill,) * bands
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * bands
        elif len(fill) != bands:
            raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the image ({len(fill)} != {bands})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return fill


def rotate(img, angle, interpolation="nearest", expand=False, center=None, fill=None):
    """Rotate by ``angle`` degrees counter-clockwise about ``center`` (Pillow's rotation, as
    torchvision's PIL path; tensors go through Pillow channel by channel in float32)."""
    _check(img)
    resample = _PIL_FILTERS[getattr(interpolation, "value", interpolation)]
    if _is_pil(img):
        return img.rotate(angle, resample, expand, center, fillcolor=_fill_for(img, fill))
    from PIL import Image

    a = img.array
    fills = fill if isinstance(fill, (list, tuple)) else [0.0 if fill is None else fill] * (a.shape[-3] if a.ndim > 2 else 1)
    planes = a.reshape(-1, *a.shape[-2:]).astype(xp.float32)
    channels = a.shape[-3] if a.ndim > 2 else 1
    out = [xp.asarray(Image.fromarray(p, mode="F").rotate(angle, resample, expand, center, fillcolor=float(fills[k % channels])))
           for k, p in enumerate(planes)]
    out = xp.stack(out).reshape(*a.shape[:-2], *out[0].shape)
    if a.dtype.kind != "f":
        out = xp.clip(xp.round(out), xp.iinfo(a.dtype).min, xp.iinfo(a.dtype).max)
    return Tensor._wrap(out.astype(a.dtype))


def _blend(a, other, factor):
    """factor * a + (1 - factor) * other, clamped to the image's range, in its dtype (tensors)."""
    top = 1.0 if a.dtype.kind == "f" else float(xp.iinfo(a.dtype).max)
    out = xp.clip(factor * a.astype(xp.float32 if a.dtype.kind != "f" else a.dtype) + (1.0 - factor) * other, 0, top)
    return out.astype(a.dtype)


def _enhance(img, name, factor):
    from PIL import ImageEnhance

    return getattr(ImageEnhance, name)(img).enhance(factor)


def adjust_brightness(img, brightness_factor):
    """Scale the brightness: 0 gives black, 1 the image unchanged (Pillow's ImageEnhance for PIL)."""
    _check(img)
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    if _is_pil(img):
        return _enhance(img, "Brightness", brightness_factor)
    return Tensor._wrap(_blend(img.array, 0.0, brightness_factor))


def adjust_contrast(img, contrast_factor):
    """Blend with the mean grey level: 0 gives flat grey, 1 the image unchanged."""
    _check(img)
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    if _is_pil(img):
        return _enhance(img, "Contrast", contrast_factor)
    a = img.array
    grey = rgb_to_grayscale(img).array if a.shape[-3] == 3 else a
    work = grey.astype(xp.float32) if grey.dtype.kind != "f" else grey
    return Tensor._wrap(_blend(a, work.mean(axis=(-3, -2, -1), keepdims=True), contrast_factor))


def adjust_saturation(img, saturation_factor):
    """Blend with the grey image: 0 gives grey, 1 the image unchanged."""
    _check(img)
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    if _is_pil(img):
        return _enhance(img, "Color", saturation_factor)
    a = img.array
    if a.shape[-3] == 1:
        return img
    return Tensor._wrap(_blend(a, rgb_to_grayscale(img).array, saturation_factor))


def adjust_hue(img, hue_factor):
    """Shift the hue by ``hue_factor`` turns (in [-0.5, 0.5]), through Pillow's HSV (PIL images)."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if not _is_pil(img):
        raise TypeError("adjust_hue: scratchnet shifts the hue of PIL images only (apply ColorJitter before ToTensor)")
    if img.mode in ("L", "1", "I", "F"):
        return img
    from PIL import Image

    h, s, v = img.convert("HSV").split()
    shifted = xp.array(h, dtype=xp.uint8)
    shifted += xp.int32(hue_factor * 255).astype(xp.uint8)  # wraps around, as hue does
    return Image.merge("HSV", (Image.fromarray(shifted, "L"), s, v)).convert(img.mode)
