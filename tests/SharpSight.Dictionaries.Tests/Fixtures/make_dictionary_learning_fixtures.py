"""Writes small dictionary_learning checkpoints (ae.pt + config.json) with real PyTorch, and what each should compute.

Rerun from this folder with Debian's PyTorch (apt-get install python3-torch):  /usr/bin/python3 make_dictionary_learning_fixtures.py
The expected features and reconstructions follow dictionary_learning's encode/decode definitions (nn.Linear layouts for
AutoEncoder, AutoEncoderTopK, BatchTopKSAE and GatedAutoEncoder; SAELens-style W_enc/W_dec for JumpReluAutoEncoder), computed
here in float64 so the C# reader is checked against an outside computation.
"""
import json, os
import torch

torch.manual_seed(0)
D, F = 4, 6
x = torch.randn(3, D, dtype=torch.float64)
out = {"x": x.tolist()}


def save(name, dict_class, state, f, extra=None):
    os.makedirs(f"DictionaryLearning/{name}", exist_ok=True)
    torch.save({k: v.float() if v.is_floating_point() else v for k, v in state.items()}, f"DictionaryLearning/{name}/ae.pt")
    trainer = {"dict_class": dict_class, "activation_dim": D, "dict_size": F, "lm_name": "tiny-test", "layer": 1,
               "submodule_name": "resid_post_layer_1"}
    trainer.update(extra or {})
    with open(f"DictionaryLearning/{name}/config.json", "w") as h:
        json.dump({"trainer": trainer, "buffer": {"ctx_len": 16}}, h, indent=1)
    out[name] = {"features": f.tolist()}


def rnd(*shape):
    return torch.randn(*shape, dtype=torch.float64)


# AutoEncoder: f = ReLU(W_e (x - b) + b_e), x_hat = W_d f + b
We, be, Wd, b = rnd(F, D), rnd(F) * 0.3, rnd(D, F), rnd(D) * 0.3
f = torch.relu((x - b) @ We.T + be)
save("relu", "AutoEncoder", {"encoder.weight": We, "encoder.bias": be, "decoder.weight": Wd, "bias": b}, f)
out["relu"]["reconstruction"] = (f @ Wd.T + b).tolist()

# AutoEncoderTopK: keep the k largest of ReLU(W_e (x - b_dec) + b_e)
k = 2
We, be, Wd, bdec = rnd(F, D), rnd(F) * 0.3, rnd(D, F), rnd(D) * 0.3
post = torch.relu((x - bdec) @ We.T + be)
top = post.topk(k, dim=-1)
f = torch.zeros_like(post).scatter(-1, top.indices, top.values)
save("topk", "AutoEncoderTopK", {"encoder.weight": We, "encoder.bias": be, "decoder.weight": Wd, "b_dec": bdec,
                                 "k": torch.tensor(k), "threshold": torch.tensor(-1.0)}, f, {"k": k})
out["topk"]["reconstruction"] = (f @ Wd.T + bdec).tolist()

# BatchTopKSAE at inference: f = ReLU(pre) * (ReLU(pre) > threshold)
We, be, Wd, bdec, theta = rnd(F, D), rnd(F) * 0.3, rnd(D, F), rnd(D) * 0.3, 0.4
post = torch.relu((x - bdec) @ We.T + be)
f = post * (post > theta)
save("batchtopk", "BatchTopKSAE", {"encoder.weight": We, "encoder.bias": be, "decoder.weight": Wd, "b_dec": bdec,
                                   "k": torch.tensor(k), "threshold": torch.tensor(theta)}, f, {"k": k})
out["batchtopk"]["reconstruction"] = (f @ Wd.T + bdec).tolist()

# JumpReluAutoEncoder: no b_dec subtraction; f = pre * (pre > threshold) with pre = ReLU-free x W_enc + b_enc
Wenc, benc, Wdec, bdec, th = rnd(D, F), rnd(F) * 0.3, rnd(F, D), rnd(D) * 0.3, torch.rand(F, dtype=torch.float64) * 0.5
pre = x @ Wenc + benc
f = torch.relu(pre) * (pre > th)
save("jumprelu", "JumpReluAutoEncoder", {"W_enc": Wenc, "b_enc": benc, "W_dec": Wdec, "b_dec": bdec, "threshold": th}, f)
out["jumprelu"]["reconstruction"] = (f @ Wdec + bdec).tolist()

# GatedAutoEncoder: x_enc = W (x - b_dec); gate = 1[x_enc + b_gate > 0]; mag = ReLU(exp(r_mag) x_enc + b_mag)
We, Wd, bdec, rmag, bgate, bmag = rnd(F, D), rnd(D, F), rnd(D) * 0.3, rnd(F) * 0.2, rnd(F) * 0.3, rnd(F) * 0.3
xenc = (x - bdec) @ We.T
f = (xenc + bgate > 0).double() * torch.relu(torch.exp(rmag) * xenc + bmag)
save("gated", "GatedAutoEncoder", {"encoder.weight": We, "decoder.weight": Wd, "decoder_bias": bdec, "r_mag": rmag,
                                   "gate_bias": bgate, "mag_bias": bmag}, f)
out["gated"]["reconstruction"] = (f @ Wd.T + bdec).tolist()

with open("DictionaryLearning/expected.json", "w") as h:
    json.dump(out, h, indent=1)
