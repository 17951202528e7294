#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns bench/run.sh's results.jsonl into one Markdown table (medians, 10th-90th percentile)."""
import json
import os
import sys


def cell(j, key):
    s = j.get(key)
    if not isinstance(s, dict):
        return "—"
    return f"{s['median']:.2f} ({s['p10']:.2f}–{s['p90']:.2f})"


def memory(r):
    """Peak memory of the segmentation phase: the GPU allocator's on CUDA, else the resident set."""
    m = (r.get("memory") or {}).get("segment")
    if not isinstance(m, dict):
        return "—"
    if "device_peak_allocated_mib" in m:
        return f"{m['device_peak_allocated_mib']:.0f} GPU"
    return f"{m['host_peak_mib']:.0f} host" if m.get("host_peak_mib", -1) >= 0 else "—"


def main(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    train = {r["model"]: r["train_images_per_s"] for r in rows if r.get("label") == "engine train"}
    device = next((r.get("device_name") for r in rows if r.get("device_name")), "?")
    torch = sorted({r.get("torch") for r in rows if r.get("torch")})
    print(f"Device: {device}; LibTorch/PyTorch: {', '.join(torch)}\n")
    print("| model | implementation | precision | batch | GFLOP/eval | ms/eval | 1-step segmentation ms | "
          f"{rows[0].get('steps', '?') if rows else '?'}-step generation ms | TFLOP/s (MFU) | train img/s | velocity rel. error | "
          "segmentation peak MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    gflops = {}
    peak = {}  # precision -> the device's measured dense matrix-product TFLOP/s (symmflow bench)
    for r in rows:
        if "gflops_per_eval" in r:
            gflops[r["model"]] = r["gflops_per_eval"]
        if isinstance(r.get("matmul"), dict):
            peak.setdefault(r.get("precision", "fp32"), r["matmul"]["tflops"])
    if peak:
        print("Measured dense matrix-product rate (MFU is against it): " +
              ", ".join(f"{p} {t:.2f} TFLOP/s" for p, t in sorted(peak.items())) + "\n")
    for r in rows:
        if r.get("label") == "engine train":
            continue
        m = r["model"]
        g = gflops.get(m)
        med = r.get("eval_ms", {}).get("median")
        graph = r.get("graph") if isinstance(r.get("graph"), dict) else None
        if graph:  # the sampler replays a captured CUDA graph: its rate is the one that counts
            med = graph["eval_ms"]["median"]
        tflops = f"{g * r.get('batch', 1) / med:.2f}" if g and med else "—"
        ceiling = peak.get(r.get("precision", "fp32"))
        if g and med and ceiling:
            tflops += f" ({100 * g * r.get('batch', 1) / med / ceiling:.0f} %)"
        evalCell = cell(r, "eval_ms")
        if graph:
            evalCell = f"eager {evalCell}; graph {cell(graph, 'eval_ms')}"
        if r["label"].startswith("engine"):
            eg = r.get("engine_cuda_graphs", {})
            impl = "C++ engine" + (", CUDA graphs" if eg.get("active") and not eg.get("error")
                                   else ", eager" if r.get("device") == "cuda" else "")
            fk = r.get("fused_kernels", {})
            if fk.get("compiled"):
                impl += ", fused kernels" if fk.get("calls", 0) > 0 else ", LibTorch operators"
            if r.get("channels_last"):
                impl += ", channels-last"
            err = f"{r.get('velocity_rel_error_vs_fp32', 0):.1e} vs fp32"
            tr = f"{train[m]:.1f}" if m in train and r.get("precision") == "fp32" and r.get("batch") == 1 else "—"
        else:
            impl = "PyTorch eager"
            e = r.get("velocity_rel_error_vs_engine")
            err = f"{e:.1e} vs engine" if e is not None else "—"
            tr = f"{r['train_images_per_s']:.0f}" if "train_images_per_s" in r else "—"
        batch = r.get("batch", 1)
        seg = cell(r, "segment_ms") if batch == 1 else "—"
        gen = cell(r, "generate_ms") if batch == 1 else "—"
        print(f"| {os.path.basename(m)} | {impl} | {r.get('precision', 'fp32')} | {batch} | "
              f"{g:.2f} | {evalCell} | {seg} | {gen} | {tflops} | {tr} | {err} | {memory(r)} |" if g else
              f"| {os.path.basename(m)} | {impl} | {r.get('precision', 'fp32')} | {batch} | — | {evalCell} | "
              f"{seg} | {gen} | {tflops} | {tr} | {err} | {memory(r)} |")


if __name__ == "__main__":
    main(sys.argv[1])
