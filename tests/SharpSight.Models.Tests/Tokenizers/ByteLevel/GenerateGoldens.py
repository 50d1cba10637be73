#!/usr/bin/env python3
"""Independent reference encodings for the byte-level tokenizer tests (writes OracleGoldens.cs).

Implements, in plain Python with the `regex` module (code-point based, Unicode \\p{L} / \\p{N} / \\s, case folding
like Oniguruma and Rust's regex crate), the algorithms the slow tokenizers use:
  * GPT-2 / NeoX / Qwen2: OpenAI's encoder.py BPE (merge every occurrence of the lowest-ranked bigram until none
    is in merges.txt), on bytes spelled with bytes_to_unicode, after the pre-tokenizer regex;
  * Llama-3: tiktoken's byte-pair merge (merge the adjacent pair whose concatenation has the lowest rank);
  * NFC (unicodedata) for NeoX and Qwen2; added tokens as Hugging Face cuts them out (leftmost-longest, non-special
    ones only, because the tests encode with parseSpecialTokens: false), raw-text tokens before normalization,
    normalized ones after.
None of it shares code with the C# implementation.

Usage: SHARPSIGHT_DUMP_TOKENIZER_CASES=/tmp/cases.json dotnet test ... --filter FullyQualifiedName~DumpCases
       python3 GenerateGoldens.py /tmp/cases.json /work/shared/data > OracleGoldens.cs
"""
import base64, hashlib, json, sys, unicodedata
import regex

cases = json.load(open(sys.argv[1], encoding="utf-8"))
D = sys.argv[2].rstrip("/") + "/tokenizers/"

GPT2 = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
LLAMA3 = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
QWEN2 = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


B2U = bytes_to_unicode()


class MergeBpe:
    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.cache = {}

    def __call__(self, piece):
        token = "".join(B2U[b] for b in piece.encode("utf-8"))
        if token in self.cache:
            return self.cache[token]
        word = list(token)
        while len(word) > 1:
            best = min(set(zip(word, word[1:])), key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            new, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    new.append(word[i] + word[i + 1])
                    i += 2
                else:
                    new.append(word[i])
                    i += 1
            word = new
        ids = [self.vocab[w] for w in word]
        self.cache[token] = ids
        return ids


class RankBpe:
    def __init__(self, ranks):
        self.ranks = ranks
        self.cache = {}

    def __call__(self, piece):
        b = piece.encode("utf-8")
        if b in self.ranks:
            return [self.ranks[b]]
        if b in self.cache:
            return self.cache[b]
        parts = [b[i:i + 1] for i in range(len(b))]
        while len(parts) > 1:
            best = None
            for i in range(len(parts) - 1):
                r = self.ranks.get(parts[i] + parts[i + 1])
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            i = best[1]
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        ids = [self.ranks[p] for p in parts]
        self.cache[b] = ids
        return ids


def split_added(text, tokens):
    """Leftmost-longest cut of text by tokens (content -> id); yields (piece, id or None)."""
    if not tokens:
        if text:
            yield text, None
        return
    longest = max(len(t) for t in tokens)
    i, start = 0, 0
    while i < len(text):
        match = None
        for n in range(min(longest, len(text) - i), 0, -1):
            if text[i:i + n] in tokens:
                match = text[i:i + n]
                break
        if match is None:
            i += 1
            continue
        if start < i:
            yield text[start:i], None
        yield match, tokens[match]
        i += len(match)
        start = i
    if start < len(text):
        yield text[start:], None


def make(pattern, bpe, nfc, raw_added, normalized_added):
    def encode(text):
        out = []
        for piece, tid in split_added(text, raw_added):
            if tid is not None:
                out.append(tid)
                continue
            if nfc:
                piece = unicodedata.normalize("NFC", piece)
            for sub, sid in split_added(piece, normalized_added):
                if sid is not None:
                    out.append(sid)
                    continue
                for word in regex.findall(pattern, sub):
                    out += bpe(word)
        return out
    return encode


def hf_json(path):
    j = json.load(open(path, encoding="utf-8"))
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in j["model"]["merges"]]
    ordinary = [t for t in j["added_tokens"] if not t["special"]]
    raw = {t["content"]: t["id"] for t in ordinary if not t.get("normalized", True)}
    normed = {unicodedata.normalize("NFC", t["content"]) if j.get("normalizer") else t["content"]: t["id"] for t in ordinary if t.get("normalized", True)}
    return MergeBpe(j["model"]["vocab"], merges), raw, normed


gpt2_bpe, gpt2_raw, gpt2_norm = hf_json(D + "gpt2/tokenizer.json")
neox_bpe, neox_raw, neox_norm = hf_json(D + "gpt-neox-20b/20B_tokenizer.json")
qwen_vocab = json.load(open(D + "qwen2.5/vocab.json", encoding="utf-8"))
qwen_merges = [tuple(l.split(" ")) for l in open(D + "qwen2.5/merges.txt", encoding="utf-8").read().split("\n") if l and not l.startswith("#version")]
qwen_cfg = json.load(open(D + "qwen2.5/tokenizer_config.json", encoding="utf-8"))
qwen_raw = {t["content"]: int(i) for i, t in qwen_cfg["added_tokens_decoder"].items() if not t["special"] and not t["normalized"]}
qwen_norm = {t["content"]: int(i) for i, t in qwen_cfg["added_tokens_decoder"].items() if not t["special"] and t["normalized"]}
llama_ranks = {}
for line in open(D + "llama3/tokenizer.model", encoding="ascii"):
    if line.strip():
        tok, rank = line.split()
        llama_ranks[base64.b64decode(tok)] = int(rank)

ENCODERS = {
    "gpt2": make(GPT2, gpt2_bpe, False, gpt2_raw, gpt2_norm),
    "neox": make(GPT2, neox_bpe, True, neox_raw, neox_norm),
    "llama3": make(LLAMA3, RankBpe(llama_ranks), False, {}, {}),
    "qwen2.5": make(QWEN2, MergeBpe(qwen_vocab, qwen_merges), True, qwen_raw, qwen_norm),
}


def digest(lists):
    return hashlib.sha256("\n".join(",".join(map(str, ids)) for ids in lists).encode("utf-8")).hexdigest()


def cs(s):
    return json.dumps(s, ensure_ascii=True)


out = []
w = out.append
w("// <auto-generated> by GenerateGoldens.py from independent Python implementations; do not edit. </auto-generated>")
w("namespace SharpSight.Models.Tests.Tokenizers.ByteLevel;")
w("")
w("/// <summary>Reference encodings (addSpecialTokens: false, parseSpecialTokens: false) computed by GenerateGoldens.py.</summary>")
w("public static class OracleGoldens")
w("{")
w(f"    public const int CorpusSize = {len(cases['corpus'])};")
w(f"    public const int EdgeCaseCount = {len(cases['edge'])};")
w("")
w("    /// <summary>Digest (see ByteLevelFixtures.IdsDigest) of the ids of every corpus string.</summary>")
w("    public static readonly Dictionary<string, string> CorpusDigest = new()")
w("    {")
for name, enc in ENCODERS.items():
    w(f"        [{cs(name)}] = {cs(digest(enc(s) for s in cases['corpus']))},")
w("    };")
w("")
w("    /// <summary>Per edge case (TokenizerEdgeCases.All order): the first 12 hex digits of the digest of its ids.</summary>")
w("    public static readonly Dictionary<string, string[]> EdgeCaseDigests = new()")
w("    {")
for name, enc in ENCODERS.items():
    w(f"        [{cs(name)}] =")
    w("        [")
    for s in cases["edge"]:
        w(f"            {cs(digest([enc(s)])[:12])},")
    w("        ],")
w("    };")
w("")
w("    /// <summary>Explicit ids for a few strings whose pre-tokenization needs code-point regex semantics.</summary>")
w("    public static readonly (string Tokenizer, string Text, int[] Ids)[] Pinned =")
w("    [")
for name, enc in ENCODERS.items():
    for s in cases["pinned"]:
        w(f"        ({cs(name)}, {cs(s)}, [{', '.join(map(str, enc(s)))}]),")
w("    ];")
w("}")
print("\n".join(out))
