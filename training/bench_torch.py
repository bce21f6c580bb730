"""PyTorch's speed on a shipped model, for `npm run bench` to print beside ONNX Runtime and tfjs:
python3 -m training.bench_torch models/default --threads 2 --batches 1,8,32 --seconds 1.5

Reads the network back from the tfjs files (training/import_tfjs.py: the same float16-rounded
weights the other backends serve) and prints one JSON line: {"batch": ms_per_image, ...}.
"""
import argparse
import json
import time

import torch

from training.import_tfjs import load_tfjs_model


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--batches", default="1,8,32")
    p.add_argument("--seconds", type=float, default=1.5)
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    G, card = load_tfjs_model(a.model)
    G = G.to(memory_format=torch.channels_last)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "msPerImage": {}}
    with torch.inference_mode():
        for b in [int(x) for x in a.batches.split(",")]:
            z, t = torch.randn(b, card["zDim"]), torch.zeros(b, card["numTags"])
            G(z, t)  # warm-up
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < a.seconds:
                G(z, t)
                n += b
            out["msPerImage"][str(b)] = (time.perf_counter() - start) * 1000 / n
    print(json.dumps(out))


if __name__ == "__main__":
    main()
