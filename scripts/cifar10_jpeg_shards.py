#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Carries the CIFAR-10 shards to the GPU machine as their source JPEGs.

A decoded 45 000-image shard is 139 MB (106 MB with xz); the JPEGs it was decoded from
are 15 MB. So, on this machine, `carry` finds the source JPEG of every image of shards
made by `symmflow pack` (same split, same order) and stores those JPEG files in an
gzip-compressed tar with the labels and the shard's metadata; on the GPU machine, `unpack`
decodes them again into a shard that `symmflow train` reads.

  carry:  python3 scripts/cifar10_jpeg_shards.py carry ../shared/datasets/cifar10/train.tar.gz \
              shards/cifar10_train.safetensors gpu_data/cifar10_train.jpg.tar.gz
  unpack: python3 scripts/cifar10_jpeg_shards.py unpack gpu_data/cifar10_train.jpg.tar.gz \
              gpu_work/shards/cifar10_train.safetensors

Needs numpy and Pillow (Debian: python3-numpy python3-pil; both are on the GPU image).
`carry` refuses unless every shard image is matched to a JPEG whose decoded pixels are
identical, so the held-out split travels exactly. On another decoder build the pixels of
`unpack` may differ by the rounding of the IDCT (reported as the largest difference when
the original shard is given with --check).
"""
import argparse
import hashlib
import io
import json
import struct
import sys
import tarfile

import numpy as np
from PIL import Image


def read_shard(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    if meta.get("format") != "symmflow-shard":
        sys.exit(f"{path}: not a symmflow shard (format {meta.get('format')!r})")
    tensors = {}
    dtypes = {"U8": np.uint8, "I64": np.int64}
    for name, t in header.items():
        a, b = t["data_offsets"]
        tensors[name] = np.frombuffer(data[a:b], dtype=dtypes[t["dtype"]]).reshape(t["shape"])
    return tensors, meta


def write_shard(path, images, labels, meta):
    blobs = [("images", "U8", images), ("labels", "I64", labels)]
    header, offset = {"__metadata__": meta}, 0
    for name, dtype, arr in blobs:
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, arr in blobs:
            f.write(np.ascontiguousarray(arr).tobytes())


def decode(jpeg_bytes):
    return np.asarray(Image.open(io.BytesIO(jpeg_bytes)).convert("RGB"), dtype=np.uint8)


def carry(args):
    images, meta = read_shard(args.shard)
    images, labels = images["images"], images["labels"]
    h, w = images.shape[1:3]
    wanted = {}
    for i in range(len(images)):
        wanted.setdefault(hashlib.sha1(images[i].tobytes()).digest(), []).append(i)
    found = [None] * len(images)
    with tarfile.open(args.archive, "r:*") as src:
        for member in src:
            if not member.isfile() or not member.name.lower().endswith((".jpg", ".jpeg", ".png")):
                continue
            raw = src.extractfile(member).read()
            pixels = decode(raw)
            if pixels.shape[:2] != (h, w):
                continue
            for i in wanted.pop(hashlib.sha1(pixels.tobytes()).digest(), []):
                found[i] = raw
    missing = sum(r is None for r in found)
    if missing:
        sys.exit(f"{missing} of {len(images)} shard images have no source with identical pixels "
                 "(was the shard packed from this archive, at its own size?)")
    with tarfile.open(args.output, "w:gz", compresslevel=9) as out:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
        add("meta.json", json.dumps(meta).encode())
        add("labels.npy", _npy(labels))
        for i, raw in enumerate(found):
            add(f"{i:06d}.jpg", raw)
    print(f"{args.output}: {len(found)} JPEGs, labels, metadata")


def _npy(arr):
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def unpack(args):
    with tarfile.open(args.archive, "r:*") as src:
        meta = json.loads(src.extractfile("meta.json").read())
        labels = np.load(io.BytesIO(src.extractfile("labels.npy").read()))
        names = sorted(m.name for m in src.getmembers() if m.name.endswith(".jpg"))
        if len(names) != len(labels):
            sys.exit(f"{args.archive}: {len(names)} images but {len(labels)} labels")
        images = np.stack([decode(src.extractfile(n).read()) for n in names])
    write_shard(args.output, images, labels.astype(np.int64), meta)
    print(f"{args.output}: {images.shape[0]} images {images.shape[1]}x{images.shape[2]}")
    if args.check:
        original, _ = read_shard(args.check)
        same_labels = np.array_equal(original["labels"], labels)
        diff = np.abs(original["images"].astype(np.int16) - images.astype(np.int16)).max()
        print(f"against {args.check}: labels {'identical' if same_labels else 'DIFFER'}, "
              f"largest pixel difference {diff}")
        if not same_labels or diff > 8:
            sys.exit(1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("carry", help="shard + source archive -> tar of JPEGs")
    c.add_argument("archive")
    c.add_argument("shard")
    c.add_argument("output")
    u = sub.add_parser("unpack", help="tar of JPEGs -> shard")
    u.add_argument("archive")
    u.add_argument("output")
    u.add_argument("--check", help="compare with the original shard")
    args = p.parse_args()
    carry(args) if args.cmd == "carry" else unpack(args)


if __name__ == "__main__":
    main()
