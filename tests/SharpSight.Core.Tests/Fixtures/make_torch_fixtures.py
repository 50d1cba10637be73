"""Writes the torch.save fixtures of TorchCheckpointTests with real PyTorch, and what torch.load reads back.

The tests only read the committed files, so CI needs no PyTorch. To regenerate them (after changing this
script), install PyTorch and run from the repository root:

    apt-get install -y python3-torch      # Debian 12: torch 1.13; any torch >= 1.6 writes the same zip format
    /usr/bin/python3 tests/SharpSight.Core.Tests/Fixtures/make_torch_fixtures.py

Outputs in Fixtures/Torch/: a few small .pt files and expected.json, which holds for each file the
flattened names ("a.b.0" for nested dicts and lists), dtype, shape and row-major values of every tensor
and the other leaves, as torch.load itself reads them back.
"""

import collections
import io
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Torch")


class AutoEncoder(nn.Module):
    """Shaped like a dictionary_learning JumpReLU / top-k autoencoder, with deterministic values."""

    def __init__(self, activation_dim=4, dict_size=6):
        super().__init__()
        self.encoder = nn.Linear(activation_dim, dict_size)
        self.decoder = nn.Linear(dict_size, activation_dim, bias=False)
        self.b_dec = nn.Parameter(torch.zeros(activation_dim))
        self.threshold = nn.Parameter(torch.zeros(dict_size))
        self.register_buffer("k", torch.tensor(3))
        with torch.no_grad():
            n = activation_dim * dict_size
            self.encoder.weight.copy_((torch.arange(n, dtype=torch.float32) * 0.125 - 1.0).reshape(dict_size, activation_dim))
            self.encoder.bias.copy_(torch.arange(dict_size, dtype=torch.float32) * -0.5)
            # Tied initialisation as in dictionary_learning: .T.clone() keeps the transposed strides,
            # so the saved decoder weight is a non-contiguous tensor that owns its whole storage.
            self.decoder.weight = nn.Parameter(self.encoder.weight.T.clone() * 2.0)
            self.b_dec.copy_(torch.tensor([0.5, -0.25, 1.5, 3.0]))
            self.threshold.copy_(torch.arange(dict_size, dtype=torch.float32) / 8)


def mixed_object():
    matrix = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.25 - 1.0
    base = torch.arange(10, dtype=torch.float32) + 100.0  # Not saved itself; two slices share its storage.
    return {
        "f32": matrix,
        "f32_t": matrix.t(),  # A transposed view of the same storage.
        "f32_again": matrix,  # The same tensor object under a second name, as with tied weights.
        "slice_a": base[:4],
        "slice_b": base[4:].reshape(2, 3),  # Offset 4 into the shared storage.
        "column": matrix[:, 1],  # Offset 1, stride 4.
        "f64": torch.arange(5, dtype=torch.float64) / 3.0,
        "f16": (torch.arange(6, dtype=torch.float16) * 0.5).reshape(2, 3),
        "bf16": torch.arange(4, dtype=torch.bfloat16) - 1.5,
        "i64": torch.arange(-3, 3, dtype=torch.int64),
        "i32": torch.tensor([2**31 - 1, -(2**31), 7], dtype=torch.int32),
        "i16": torch.tensor([-300, 300], dtype=torch.int16),
        "i8": torch.tensor([-128, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 200, 255], dtype=torch.uint8),
        "mask": torch.tensor([True, False, True, True]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
        "expanded": torch.arange(3, dtype=torch.float32)[None].expand(2, 3),  # Stride 0.
        "param": nn.Parameter(torch.full((2,), 0.75)),
        "nested": {
            "inner": collections.OrderedDict([("w", torch.arange(4, dtype=torch.float32).reshape(2, 2))]),
            "list": [torch.tensor([1.0, 2.0]), 7, (torch.tensor([3], dtype=torch.int64), "x")],
        },
        "int": 42,
        "neg": -5,
        "big": 2**70,
        "float": 0.125,
        "str": "héllo",
        "none": None,
        "flag": True,
        "dtype": torch.float16,
    }


def flatten(obj, prefix, tensors, values):
    """Dotted names as TorchCheckpoint gives them; the caller names the top level's children."""
    if isinstance(obj, dict):
        items = [(str(k), v) for k, v in obj.items()]
    elif isinstance(obj, (list, tuple)):
        items = [(str(i), v) for i, v in enumerate(obj)]
    elif isinstance(obj, torch.Tensor):
        tensors[prefix] = {
            "dtype": str(obj.dtype).removeprefix("torch."),
            "shape": list(obj.shape),
            "values": obj.detach().reshape(-1).tolist() if obj.dtype != torch.bfloat16 else obj.detach().float().reshape(-1).tolist(),
        }
        return
    elif isinstance(obj, torch.dtype):
        values[prefix] = {"dtype": str(obj).removeprefix("torch.")}
        return
    else:
        values[prefix] = obj
        return
    for key, value in items:
        flatten(value, f"{prefix}.{key}", tensors, values)


def expected(path):
    tensors, values = {}, {}
    obj = torch.load(path)
    if isinstance(obj, (dict, list, tuple)):
        for key, value in (obj.items() if isinstance(obj, dict) else enumerate(obj)):
            flatten(value, str(key), tensors, values)
    else:
        flatten(obj, "", tensors, values)
    return {"tensors": tensors, "values": values}


def to_json(results):
    """JSON with one line per tensor or value, so that a change to one shows as one line in a diff."""

    def block(entries, indent):
        lines = [f'{indent}{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}' for k, v in entries.items()]
        return "{\n" + ",\n".join(lines) + "\n" + indent[:-1] + "}" if lines else "{}"

    files = []
    for name, result in results.items():
        files.append(f' {json.dumps(name)}: {{\n  "tensors": {block(result["tensors"], "   ")},\n  "values": {block(result["values"], "   ")}\n }}')
    return "{\n" + ",\n".join(files) + "\n}"


def save_to_file(obj, name, **kwargs):
    path = os.path.join(OUT, name)
    torch.save(obj, path, **kwargs)
    return path


def save_through_buffer(obj, name, **kwargs):
    # Saving to a file object names the archive's top folder "archive" instead of the file's stem.
    buffer = io.BytesIO()
    torch.save(obj, buffer, **kwargs)
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(buffer.getvalue())
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    results = {}
    ae = AutoEncoder()
    assert not ae.decoder.weight.is_contiguous()
    results["autoencoder.pt"] = expected(save_to_file(ae.state_dict(), "autoencoder.pt"))
    results["mixed.pt"] = expected(save_through_buffer(mixed_object(), "mixed.pt"))
    results["mixed_protocol4.pt"] = expected(save_to_file(mixed_object(), "mixed_protocol4.pt", pickle_protocol=4))
    results["tensor.pt"] = expected(save_to_file(torch.arange(3, dtype=torch.int64), "tensor.pt"))
    # The legacy format is only checked to be refused.
    save_to_file({"w": torch.ones(2)}, "legacy.pt", _use_new_zipfile_serialization=False)
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        f.write(to_json(results) + "\n")
    print(f"torch {torch.__version__}: wrote", ", ".join(sorted(os.listdir(OUT))))


if __name__ == "__main__":
    main()
