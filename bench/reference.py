#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PyTorch eager reference for the SymmFlow engine: what a researcher would run instead.

The same network (core/unet.cpp), reading the same .safetensors weights, the same Euler
sampler (core/samplers.cpp) and the same one-step segmentation (core/inference.cpp),
written the way a PyTorch user writes it: eager modules, no graph capture, no fusion.

  reference.py MODEL [--check VELOCITIES] [--device cpu|cuda] [--precision fp32|fp16|bf16]
               [--steps 25] [--reps 20] [--warmup 3] [--threads N]

--check takes the file written by `symmflow bench --dump-velocity` (inputs x, y, t and the
C++ engine's velocities vx, vy) and reports the relative error of this implementation's
velocities against them before any timing. Prints one JSON object on stdout with the same
keys as `symmflow bench --json` (medians and 10th/90th percentiles in ms).
"""
import argparse
import json
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    """Returns (tensors as float32/int64 torch tensors, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = memoryview(data)[8 + n:]
    out = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        raw = body[a:b]
        if e["dtype"] == "BF16":
            u16 = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            arr = u16.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[e["dtype"]])
        t = torch.from_numpy(arr.copy()).reshape(e["shape"])
        out[name] = t.float() if t.is_floating_point() else t
    return out, meta


def groups_for(channels):
    for g in (32, 16, 8, 4, 2):
        if channels % g == 0 and channels // g >= 4:
            return g
    return 1


def conv(cin, cout, k, stride=1):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = (t.float() * 1000.0)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], 1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups_for(cin), cin)
        self.conv1 = conv(cin, cout, 3)
        self.emb = nn.Linear(emb, 2 * cout)
        self.norm2 = nn.GroupNorm(groups_for(cout), cout)
        self.conv2 = conv(cout, cout, 3)
        self.skip = conv(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(F.silu(emb))[:, :, None, None].chunk(2, 1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        return (self.skip(x) if self.skip is not None else x) + h


class Attention(nn.Module):
    def __init__(self, ch, heads):
        super().__init__()
        while ch % heads:
            heads -= 1
        self.heads = heads
        self.norm = nn.GroupNorm(groups_for(ch), ch)
        self.qkv = conv(ch, 3 * ch, 1)
        self.proj = conv(ch, ch, 1)

    def forward(self, x):
        B, C, H, W = x.shape
        d = C // self.heads
        qkv = self.qkv(self.norm(x)).reshape(B, 3, self.heads, d, H * W)
        q, k, v = (qkv[:, i].transpose(-1, -2) for i in range(3))
        if hasattr(F, "scaled_dot_product_attention"):
            o = F.scaled_dot_product_attention(q, k, v)
        else:
            o = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), -1) @ v
        return x + self.proj(o.transpose(-1, -2).reshape(B, C, H, W))


class SymmFlowUNet(nn.Module):
    """Mirror of core/unet.cpp; parameter names match the model files."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        K, base = cfg["num_classes"], cfg["base_channels"]
        mult, nres = cfg["channel_mult"], cfg["res_blocks"]
        attn, heads = set(cfg["attention_levels"]), cfg["attention_heads"]
        emb = base * 4
        L = len(mult)
        lean = bool(cfg.get("lean_decoder", False))  # ModelConfig::leanDecoder
        self.time_mlp = nn.Sequential(nn.Linear(base, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.conv_in = conv(3 + K, base, 3)
        skips, ch = ([] if lean else [base]), base
        self.plan_down = []
        for l in range(L):
            out = base * mult[l]
            for b in range(nres):
                setattr(self, f"down{l}_{b}", ResBlock(ch, out, emb))
                if l in attn:
                    setattr(self, f"down_attn{l}_{b}", Attention(out, heads))
                ch = out
                skips.append(ch)
            if l + 1 < L:
                setattr(self, f"downsample{l}", conv(ch, ch, 3, 2))
                if not lean:
                    skips.append(ch)
        self.mid1 = ResBlock(ch, ch, emb)
        self.mid_attn = Attention(ch, heads)
        self.mid2 = ResBlock(ch, ch, emb)
        for l in reversed(range(L)):
            out = base * mult[l]
            for b in range(nres if lean else nres + 1):
                setattr(self, f"up{l}_{b}", ResBlock(ch + skips.pop(), out, emb))
                if l in attn:
                    setattr(self, f"up_attn{l}_{b}", Attention(out, heads))
                ch = out
            if l > 0:
                setattr(self, f"upsample{l}", conv(ch, ch, 3))
        self.norm_out = nn.GroupNorm(groups_for(ch), ch)
        self.conv_out = conv(ch, 3 + K, 3)
        self.L, self.nres, self.attn, self.lean = L, nres, attn, lean

    def forward(self, x, y, t):
        H, W = x.shape[2:]
        h, w = y.shape[2:]
        emb = self.time_mlp(timestep_embedding(t, self.cfg["base_channels"]).to(x.dtype))
        if (h, w) != (H, W):
            y_full = y.expand(-1, -1, H, W) if h == 1 and w == 1 else \
                y.repeat_interleave(H // h, 2).repeat_interleave(W // w, 3)
        else:
            y_full = y
        hcur = self.conv_in(torch.cat([x, y_full.to(x.dtype)], 1))
        skips = [] if self.lean else [hcur]
        for l in range(self.L):
            for b in range(self.nres):
                hcur = getattr(self, f"down{l}_{b}")(hcur, emb)
                if l in self.attn:
                    hcur = getattr(self, f"down_attn{l}_{b}")(hcur)
                skips.append(hcur)
            if l + 1 < self.L:
                hcur = getattr(self, f"downsample{l}")(hcur)
                if not self.lean:
                    skips.append(hcur)
        hcur = self.mid2(self.mid_attn(self.mid1(hcur, emb)), emb)
        for l in reversed(range(self.L)):
            for b in range(self.nres if self.lean else self.nres + 1):
                hcur = getattr(self, f"up{l}_{b}")(torch.cat([hcur, skips.pop()], 1), emb)
                if l in self.attn:
                    hcur = getattr(self, f"up_attn{l}_{b}")(hcur)
            if l > 0:
                hcur = getattr(self, f"upsample{l}")(F.interpolate(hcur, scale_factor=2.0, mode="nearest"))
        out = self.conv_out(F.silu(self.norm_out(hcur)))
        vx, vy = out[:, :3], out[:, 3:]
        if (h, w) != (H, W):
            vy = vy.mean((2, 3), keepdim=True) if h == 1 and w == 1 else F.adaptive_avg_pool2d(vy, (h, w))
        return vx, vy


def velocity(net, x, y, t, dtype):
    """The sampler's callable: state in fp32, network in `dtype` (as core/inference.cpp)."""
    tt = torch.full((x.shape[0],), t, device=x.device)
    vx, vy = net(x.to(dtype), y.to(dtype), tt)
    return vx.float(), vy.float()


def euler(net, x, y, t0, t1, steps, dtype):
    for k in range(steps):
        ta, tb = t0 + (t1 - t0) * k / steps, t0 + (t1 - t0) * (k + 1) / steps
        vx, vy = velocity(net, x, y, ta, dtype)
        x, y = x + (tb - ta) * vx, y + (tb - ta) * vy
    return x, y


def stats(ms):
    ms = sorted(ms)
    q = lambda p: ms[int(p * (len(ms) - 1) + 0.5)]
    return {"median": q(0.5), "p10": q(0.1), "p90": q(0.9), "min": ms[0], "max": ms[-1], "reps": len(ms)}


def time_it(fn, warmup, reps, cuda):
    for _ in range(warmup):
        fn()
    if cuda:
        torch.cuda.synchronize()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        if cuda:
            torch.cuda.synchronize()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--check", help="velocities written by `symmflow bench --dump-velocity`")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "fp16", "bf16"])
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--train-batch", type=int, default=0, help="also time training steps at this batch (0: off)")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    cuda = dev.type == "cuda"
    if cuda:
        torch.backends.cudnn.benchmark = True
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[a.precision]

    weights, meta = read_safetensors(a.model)
    cfg = json.loads(meta["config"])
    net = SymmFlowUNet(cfg)
    missing, unexpected = net.load_state_dict(weights, strict=False)
    if missing or unexpected:
        sys.exit(f"weights do not match the architecture: missing {missing[:5]}, unexpected {unexpected[:5]}")
    net = net.to(dev).eval()
    H, W, K = cfg["image_height"], cfg["image_width"], cfg["num_classes"]
    s = cfg["label_downsample"]
    h, w = (1, 1) if s == 0 else (H // s, W // s)
    result = {"model": a.model, "implementation": "pytorch-eager", "torch": torch.__version__,
              "device": dev.type, "device_name": torch.cuda.get_device_name(0) if cuda else "cpu",
              "threads": torch.get_num_threads(), "precision": a.precision, "batch": a.batch, "steps": a.steps}

    with torch.inference_mode():
        if a.check:
            ref, _ = read_safetensors(a.check)
            vx, vy = net(ref["x"].to(dev), ref["y"].to(dev), ref["t"].to(dev))
            num = (vx.cpu() - ref["vx"]).pow(2).sum() + (vy.cpu() - ref["vy"]).pow(2).sum()
            den = ref["vx"].pow(2).sum() + ref["vy"].pow(2).sum()
            result["velocity_rel_error_vs_engine"] = float((num / den).sqrt())
            result["velocity_max_abs_diff_vs_engine"] = float(max((vx.cpu() - ref["vx"]).abs().max(),
                                                                  (vy.cpu() - ref["vy"]).abs().max()))
        net = net.to(dtype)
        g = torch.Generator().manual_seed(0)
        x = torch.randn(a.batch, 3, H, W, generator=g).to(dev)
        y = torch.randn(a.batch, K, h, w, generator=g).to(dev)
        t = torch.full((a.batch,), 0.5, device=dev)
        result["eval_ms"] = stats(time_it(lambda: net(x.to(dtype), y.to(dtype), t), a.warmup, a.reps, cuda))
        # One-step segmentation: (photo, noise) at t=1 -> label at t=0, argmax (as `symmflow bench`).
        x1, y1 = x[:1], y[:1]
        seg = lambda: euler(net, x1, y1, 1.0, 0.0, 1, dtype)[1].argmax(1).cpu()
        result["segment_ms"] = stats(time_it(seg, a.warmup, a.reps, cuda))
        labels = 2.0 * F.one_hot(torch.zeros(1, h, w, dtype=torch.long, device=dev), K).permute(0, 3, 1, 2).float() - 1
        gen = lambda: ((euler(net, torch.randn(1, 3, H, W, device=dev), labels, 0.0, 1.0, a.steps, dtype)[0]
                        .add(1).mul(127.5).round().clamp(0, 255).byte().cpu()))
        result["generate_ms"] = stats(time_it(gen, min(a.warmup, 1), max(1, a.reps // 2), cuda))
    if a.train_batch > 0:
        result["train_images_per_s"] = train_throughput(net.float(), cfg, dev, a.train_batch, cuda)
    print(json.dumps(result))


def train_throughput(net, cfg, dev, batch, cuda, steps=10):
    """Images per second of plain training steps (flow-matching velocity loss, AdamW, bf16
    autocast on CUDA), the way a PyTorch user would write them."""
    net.train()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4)
    H, W, K = cfg["image_height"], cfg["image_width"], cfg["num_classes"]
    s = cfg["label_downsample"]
    h, w = (1, 1) if s == 0 else (H // s, W // s)
    x1 = torch.randn(batch, 3, H, W, device=dev)
    y0 = torch.randn(batch, K, h, w, device=dev)

    def step():
        t = torch.rand(batch, device=dev)
        nx, ny = torch.randn_like(x1), torch.randn_like(y0)
        tb = t[:, None, None, None]
        xt, yt = tb * x1 + (1 - tb) * nx, (1 - tb) * y0 + tb * ny
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=cuda):
            vx, vy = net(xt, yt, t)
            loss = F.mse_loss(vx.float(), x1 - nx) + F.mse_loss(vy.float(), ny - y0)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    ms = time_it(step, 2, steps, cuda)
    return batch * 1000.0 / stats(ms)["median"]


if __name__ == "__main__":
    main()
