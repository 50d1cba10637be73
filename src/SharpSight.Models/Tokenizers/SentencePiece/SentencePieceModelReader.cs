using System.Buffers.Binary;
using System.Text;
using SharpSight.Models.Tokenizers.Bpe;

namespace SharpSight.Models.Tokenizers.SentencePiece;

/// <summary>
/// Reads a SentencePiece <c>tokenizer.model</c> (protobuf ModelProto: pieces with score and type, trainer_spec,
/// normalizer_spec) into a <see cref="SentencePieceBpeTokenizer"/> that merges by piece score.
/// </summary>
internal static class SentencePieceModelReader
{
    /// <summary>What the tokenizer needs from a ModelProto.</summary>
    internal sealed class ModelProto
    {
        public List<(string Piece, float Score, PieceType Type)> Pieces { get; } = [];
        public int ModelType { get; set; } = 1;               // trainer_spec.model_type: 1 UNIGRAM, 2 BPE, 3 WORD, 4 CHAR
        public bool ByteFallback { get; set; }                // trainer_spec.byte_fallback
        public bool TreatWhitespaceAsSuffix { get; set; }     // trainer_spec.treat_whitespace_as_suffix
        public int UnkId { get; set; }                        // trainer_spec.unk_id (default 0)
        public int BosId { get; set; } = 1;                   // trainer_spec.bos_id
        public int EosId { get; set; } = 2;                   // trainer_spec.eos_id
        public int PadId { get; set; } = -1;                  // trainer_spec.pad_id
        public string NormalizerName { get; set; } = "";      // normalizer_spec.name
        public int CharsMapLength { get; set; }               // normalizer_spec.precompiled_charsmap
        public bool AddDummyPrefix { get; set; } = true;      // normalizer_spec.add_dummy_prefix
        public bool RemoveExtraWhitespaces { get; set; } = true;
        public bool EscapeWhitespaces { get; set; } = true;
    }

    public static SentencePieceBpeTokenizer Read(string path, string? configPath)
    {
        ModelProto proto = Parse(path, JsonFile.ReadFile(path, File.ReadAllBytes));
        TokenizerConfig? config = configPath is null ? null : TokenizerConfig.Read(configPath);
        return Build(path, proto, config);
    }

    internal static ModelProto Parse(string path, byte[] bytes)
    {
        var proto = new ModelProto();
        var reader = new ProtoReader(path, bytes, 0, bytes.Length, "ModelProto");
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    proto.Pieces.Add(ReadPiece(path, reader.Message($"pieces[{proto.Pieces.Count}]"), proto.Pieces.Count));
                    break;
                case 2 when wire == 2:
                    ReadTrainerSpec(reader.Message("trainer_spec"), proto);
                    break;
                case 3 when wire == 2:
                    ReadNormalizerSpec(reader.Message("normalizer_spec"), proto);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (proto.Pieces.Count == 0) throw new TokenizerException($"{path}: ModelProto.pieces is empty (not a SentencePiece model?)");
        return proto;
    }

    private static (string, float, PieceType) ReadPiece(string path, ProtoReader r, int index)
    {
        string? piece = null;
        float score = 0;
        int type = 1;
        while (r.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == 2: piece = r.String(); break;
                case 2 when wire == 5: score = r.Float(); break;
                case 3 when wire == 0: type = (int)r.Varint(); break;
                default: r.Skip(wire); break;
            }
        }
        if (piece is null) throw new TokenizerException($"{path}: pieces[{index}].piece is missing");
        if (type is < 1 or > 6) throw new TokenizerException($"{path}: pieces[{index}].type is {type} (expected 1..6)");
        return (piece, score, (PieceType)type);
    }

    private static void ReadTrainerSpec(ProtoReader r, ModelProto proto)
    {
        while (r.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 3 when wire == 0: proto.ModelType = (int)r.Varint(); break;
                case 24 when wire == 0: proto.TreatWhitespaceAsSuffix = r.Varint() != 0; break;
                case 35 when wire == 0: proto.ByteFallback = r.Varint() != 0; break;
                case 40 when wire == 0: proto.UnkId = (int)r.Varint(); break;
                case 41 when wire == 0: proto.BosId = (int)r.Varint(); break;
                case 42 when wire == 0: proto.EosId = (int)r.Varint(); break;
                case 43 when wire == 0: proto.PadId = (int)r.Varint(); break;   // int32 -1 is written as 2^64-1; the cast keeps -1
                default: r.Skip(wire); break;
            }
        }
    }

    private static void ReadNormalizerSpec(ProtoReader r, ModelProto proto)
    {
        while (r.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == 2: proto.NormalizerName = r.String(); break;
                case 2 when wire == 2: proto.CharsMapLength = r.Bytes().Length; break;
                case 3 when wire == 0: proto.AddDummyPrefix = r.Varint() != 0; break;
                case 4 when wire == 0: proto.RemoveExtraWhitespaces = r.Varint() != 0; break;
                case 5 when wire == 0: proto.EscapeWhitespaces = r.Varint() != 0; break;
                default: r.Skip(wire); break;
            }
        }
    }

    internal static SentencePieceBpeTokenizer Build(string path, ModelProto proto, TokenizerConfig? config)
    {
        string[] modelTypes = ["?", "UNIGRAM", "BPE", "WORD", "CHAR"];
        if (proto.ModelType != 2)
        {
            string name = proto.ModelType is > 0 and < 5 ? modelTypes[proto.ModelType] : proto.ModelType.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new TokenizerException($"{path}: trainer_spec.model_type is {name}; only BPE models are supported");
        }
        if (proto.CharsMapLength > 0)
            throw new TokenizerException($"{path}: normalizer_spec.precompiled_charsmap is set (normalizer \"{proto.NormalizerName}\"); only the identity normalizer is supported");
        if (proto.TreatWhitespaceAsSuffix)
            throw new TokenizerException($"{path}: trainer_spec.treat_whitespace_as_suffix is true, which is not supported");
        int n = proto.Pieces.Count;
        if (proto.UnkId < 0 || proto.UnkId >= n || proto.Pieces[proto.UnkId].Type != PieceType.Unknown)
            throw new TokenizerException($"{path}: trainer_spec.unk_id {proto.UnkId} is not an UNKNOWN piece");

        BpeModel model = BpeModel.FromScoredPieces(proto.Pieces, proto.UnkId, proto.ByteFallback);

        // Control and unknown pieces are special tokens, matched in text only when special-token parsing is on (as the
        // transformers converter adds them: normalized false, special true).
        var added = new List<AddedToken>();
        for (int i = 0; i < n; i++)
        {
            if (proto.Pieces[i].Type is PieceType.Control or PieceType.Unknown) added.Add(new AddedToken(i, proto.Pieces[i].Piece, Special: true));
        }

        // Legacy (SentencePiece's own normalization, and transformers' default) or the Metaspace "first" scheme.
        bool legacy = config?.Legacy ?? true;
        bool prefix = proto.AddDummyPrefix && (config?.AddPrefixSpace ?? true);
        var steps = new List<TextNormalizer>();
        if (proto.RemoveExtraWhitespaces) steps.Add(new SqueezeSpacesNormalizer());
        PreTokenizer? preTokenizer = null;
        if (legacy)
        {
            if (prefix) steps.Add(new PrependNormalizer("▁"));
            if (proto.EscapeWhitespaces) steps.Add(new ReplaceNormalizer(" ", null, "▁"));
        }
        else
        {
            preTokenizer = new MetaspacePreTokenizer('▁', prefix ? PrependScheme.First : PrependScheme.Never, split: false);
        }
        TextNormalizer? normalizer = steps.Count switch { 0 => null, 1 => steps[0], _ => new SequenceNormalizer(steps) };

        var decoders = new List<TokenDecoder>
        {
            new ReplaceDecoder(new ReplaceNormalizer("▁", null, " ")),
            new ByteFallbackDecoder(),
            new FuseDecoder(),
        };
        if (prefix) decoders.Add(new StripDecoder(" ", 1, 0));

        // The trainer spec's ids where the config does not name BOS / EOS / PAD; add_bos_token defaults to true, as in LlamaTokenizer.
        int? SpecId(int id) => id >= 0 && id < n ? id : null;
        BpeParts parts = BpeTokenizer.Assemble(path, model, added, normalizer is null ? null : normalizer.Normalize, config, null,
            (SpecId(proto.BosId), SpecId(proto.EosId), SpecId(proto.PadId)), addBosByDefault: true);
        return new SentencePieceBpeTokenizer(parts, normalizer, preTokenizer, new SequenceDecoder(decoders), config?.CleanUpTokenizationSpaces ?? false);
    }

    /// <summary>A minimal protobuf wire-format reader over a byte range; every malformed input becomes a TokenizerException.</summary>
    private sealed class ProtoReader(string path, byte[] data, int start, int end, string message)
    {
        private int _position = start;

        private TokenizerException Truncated(string what) =>
            new($"{path}: {message}: truncated or malformed protobuf ({what} at byte {_position})");

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_position >= end) return false;
            ulong key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            if (field == 0) throw Truncated("field number 0");
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_position >= end) throw Truncated("varint runs past the end");
                byte b = data[_position++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return result;
            }
            throw Truncated("varint longer than 10 bytes");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            ulong length = Varint();
            if (length > (ulong)(end - _position)) throw Truncated($"length {length} runs past the end");
            var span = new ReadOnlySpan<byte>(data, _position, (int)length);
            _position += (int)length;
            return span;
        }

        public string String()
        {
            try
            {
                return new UTF8Encoding(false, true).GetString(Bytes());
            }
            catch (DecoderFallbackException)
            {
                throw Truncated("invalid UTF-8 in a string");
            }
        }

        public float Float()
        {
            if (end - _position < 4) throw Truncated("fixed32 runs past the end");
            float value = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(_position, 4));
            _position += 4;
            return value;
        }

        public ProtoReader Message(string name)
        {
            ulong length = Varint();
            if (length > (ulong)(end - _position)) throw Truncated($"{name}: length {length} runs past the end");
            var sub = new ProtoReader(path, data, _position, _position + (int)length, $"{message}.{name}");
            _position += (int)length;
            return sub;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1:
                    if (end - _position < 8) throw Truncated("fixed64 runs past the end");
                    _position += 8;
                    break;
                case 2: Bytes(); break;
                case 5:
                    if (end - _position < 4) throw Truncated("fixed32 runs past the end");
                    _position += 4;
                    break;
                default: throw Truncated($"unsupported wire type {wire}");
            }
        }
    }
}
