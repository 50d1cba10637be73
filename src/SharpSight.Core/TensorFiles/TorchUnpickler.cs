using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using TorchSharp;

namespace SharpSight.Core.TensorFiles;

/// <summary>
/// A restricted unpickler for the <c>data.pkl</c> record of a torch.save checkpoint. It understands the
/// binary opcodes of pickle protocols 2 to 5 that describe plain data (dicts, lists, tuples, numbers,
/// strings), allows only the globals of <see cref="TorchPickleGlobals"/> and turns the persistent ids of
/// storages into <see cref="TorchStorage"/> descriptions. It never imports or runs anything: calling an
/// allowed global builds one of our own objects, and any other global is refused.
/// </summary>
internal sealed class TorchUnpickler
{
    /// <summary>Looks up the storage record of a persistent id's key: its record name and byte length, or null if absent.</summary>
    public delegate (string RecordName, long? Length) StorageRecordLookup(string key);

    private const int HighestProtocol = 5;
    private const int MaxLongBytes = 1024;
    private const int MaxDimensions = 64;
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private readonly string _path;
    private readonly string _record;
    private readonly byte[] _data;
    private readonly StorageRecordLookup _storageRecord;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private readonly Dictionary<string, TorchStorage> _storages = new(StringComparer.Ordinal);
    private int _position;
    private int _opcodeStart;
    private byte _opcode;

    private TorchUnpickler(string path, string record, byte[] data, StorageRecordLookup storageRecord)
    {
        _path = path;
        _record = record;
        _data = data;
        _storageRecord = storageRecord;
    }

    /// <summary>Unpickles <paramref name="data"/> and returns the object at STOP.</summary>
    /// <param name="path">The checkpoint file, for errors.</param>
    /// <param name="record">The record name of the pickle inside the archive, for errors.</param>
    /// <param name="data">The pickle bytes.</param>
    /// <param name="storageRecord">Finds the storage records that persistent ids name.</param>
    /// <exception cref="TensorFileException">The pickle is malformed, uses an unsupported opcode or names a global that is not allowed.</exception>
    public static object? Load(string path, string record, byte[] data, StorageRecordLookup storageRecord) =>
        new TorchUnpickler(path, record, data, storageRecord).Run();

    private object? Run()
    {
        while (true)
        {
            if (_position >= _data.Length)
            {
                _opcodeStart = _position;
                throw Fail($"the pickle ends without a STOP opcode; it is truncated");
            }
            _opcodeStart = _position;
            _opcode = _data[_position++];
            switch (_opcode)
            {
                case 0x80: // PROTO
                {
                    byte protocol = ReadByte();
                    if (protocol > HighestProtocol)
                        throw Fail($"pickle protocol {protocol} is not supported; expected 2 to {HighestProtocol}");
                    break;
                }
                case 0x95: // FRAME: a length prefix for buffering; the opcodes inside are read as usual.
                    Take(8);
                    break;
                case (byte)'.': // STOP
                    return Pop();

                case (byte)'(': _marks.Push(_stack.Count); break; // MARK
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP

                case (byte)'N': Push(null); break; // NONE
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case 0x8b: Push(ReadLong(ReadLength(4))); break; // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT

                case 0x8c: Push(ReadString(ReadByte())); break; // SHORT_BINUNICODE
                case (byte)'X': Push(ReadString(ReadLength(4))); break; // BINUNICODE
                case 0x8d: Push(ReadString(ReadLength(8))); break; // BINUNICODE8
                case (byte)'C': Push(Take(ReadByte()).ToArray()); break; // SHORT_BINBYTES
                case (byte)'B': Push(Take(ReadLength(4)).ToArray()); break; // BINBYTES
                case 0x8e: Push(Take(ReadLength(8)).ToArray()); break; // BINBYTES8

                case (byte)'}': Push(new PickleDict()); break; // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)')': Push(new PickleTuple([])); break; // EMPTY_TUPLE
                case 0x85: Push(new PickleTuple(PopMany(1))); break; // TUPLE1
                case 0x86: Push(new PickleTuple(PopMany(2))); break; // TUPLE2
                case 0x87: Push(new PickleTuple(PopMany(3))); break; // TUPLE3
                case (byte)'t': Push(new PickleTuple(PopMark())); break; // TUPLE
                case (byte)'l': Push(new List<object?>(PopMark())); break; // LIST
                case (byte)'d': // DICT
                {
                    var dict = new PickleDict();
                    SetItems(dict, PopMark());
                    Push(dict);
                    break;
                }
                case (byte)'a': // APPEND
                {
                    object? item = Pop();
                    ListOnTop("APPEND").Add(item);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    object?[] items = PopMark();
                    ListOnTop("APPENDS").AddRange(items);
                    break;
                }
                case (byte)'s': // SETITEM
                {
                    object? value = Pop();
                    object? key = Pop();
                    SetItems(DictOnTop("SETITEM"), [key, value]);
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    object?[] items = PopMark();
                    SetItems(DictOnTop("SETITEMS"), items);
                    break;
                }

                case (byte)'q': Memoize(ReadByte()); break; // BINPUT
                case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break; // LONG_BINPUT
                case 0x94: Memoize(_memo.Count); break; // MEMOIZE
                case (byte)'h': Push(Recall(ReadByte())); break; // BINGET
                case (byte)'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET

                case (byte)'c': // GLOBAL: "module\nname\n"
                {
                    string module = ReadLine();
                    string name = ReadLine();
                    Push(ResolveGlobal(module, name));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    object? name = Pop();
                    object? module = Pop();
                    if (module is not string m || name is not string n)
                        throw Fail($"STACK_GLOBAL needs two strs, found {PickleDescribe.Of(module)} and {PickleDescribe.Of(name)}");
                    Push(ResolveGlobal(m, n));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    object? arguments = Pop();
                    object? callable = Pop();
                    Push(Call(callable, arguments));
                    break;
                }
                case 0x81: // NEWOBJ: cls.__new__(cls, *args); only OrderedDict qualifies.
                {
                    object? arguments = Pop();
                    object? type = Pop();
                    if (type is not PickleGlobal { Kind: PickleGlobalKind.OrderedDict })
                        throw Fail($"NEWOBJ of {PickleDescribe.Of(type)} is not supported; only collections.OrderedDict may be created this way");
                    Push(Call(type, arguments));
                    break;
                }
                case (byte)'b': // BUILD: sets state on the object below; a state dict's _metadata is not needed here.
                {
                    object? state = Pop();
                    object? target = Peek();
                    if (target is not (PickleDict or TorchTensorView))
                        throw Fail($"BUILD with {PickleDescribe.Of(state)} on {PickleDescribe.Of(target)} is not supported");
                    break;
                }
                case (byte)'Q': // BINPERSID
                    Push(LoadStorage(Pop()));
                    break;

                default:
                    throw Fail($"pickle opcode {OpcodeName(_opcode)} (0x{_opcode:X2}) is not supported in a torch checkpoint");
            }
        }
    }

    // ----- Stack -----

    private void Push(object? value) => _stack.Add(value);

    private object? Peek()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() == _stack.Count))
            throw Fail($"{OpcodeName(_opcode)} needs an object on the stack, but it is empty");
        return _stack[^1];
    }

    private object? Pop()
    {
        object? value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopMany(int count)
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count - floor < count)
            throw Fail($"{OpcodeName(_opcode)} needs {count} objects on the stack, but it has {_stack.Count - floor}");
        object?[] items = _stack.GetRange(_stack.Count - count, count).ToArray();
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private object?[] PopMark()
    {
        if (!_marks.TryPop(out int mark))
            throw Fail($"{OpcodeName(_opcode)} needs a MARK, but there is none");
        object?[] items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void Memoize(long index)
    {
        _memo[index] = Peek();
    }

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out object? value) ? value : throw Fail($"{OpcodeName(_opcode)} reads memo entry {index}, which was never stored");

    private List<object?> ListOnTop(string opcode) =>
        Peek() is List<object?> list ? list : throw Fail($"{opcode} onto {PickleDescribe.Of(Peek())}, expected a list");

    private PickleDict DictOnTop(string opcode) =>
        Peek() is PickleDict dict ? dict : throw Fail($"{opcode} onto {PickleDescribe.Of(Peek())}, expected a dict");

    private void SetItems(PickleDict dict, object?[] items)
    {
        if (items.Length % 2 != 0)
            throw Fail($"{OpcodeName(_opcode)} has {items.Length} objects after its MARK, expected key and value pairs");
        for (int i = 0; i < items.Length; i += 2)
        {
            object key = items[i] is string or long or BigInteger or bool ? items[i]!
                : throw Fail($"dict key {PickleDescribe.Of(items[i])} is not supported; keys must be str, int or bool");
            dict.Items[key] = items[i + 1];
        }
    }

    // ----- Reading bytes -----

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count > _data.Length - _position)
            throw Fail($"the pickle ends inside {OpcodeName(_opcode)} ({count} bytes needed, {_data.Length - _position} left); it is truncated");
        ReadOnlySpan<byte> span = _data.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private long ReadLength(int size)
    {
        ReadOnlySpan<byte> bytes = Take(size);
        ulong length = size == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (length > (ulong)(_data.Length - _position))
            throw Fail($"{OpcodeName(_opcode)} has length {length}, but only {_data.Length - _position} bytes are left; it is truncated");
        return (long)length;
    }

    private string ReadString(long length)
    {
        ReadOnlySpan<byte> bytes = Take(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException error)
        {
            throw Fail($"str is not valid UTF-8 ({error.Message})");
        }
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0) throw Fail("the pickle ends inside GLOBAL (no end of line); it is truncated");
        string line = ReadString(end - _position);
        _position++; // The '\n'.
        return line;
    }

    // Two's complement little-endian, as LONG1 and LONG4 store it.
    private object ReadLong(long length)
    {
        if (length > MaxLongBytes)
            throw Fail($"int of {length} bytes is longer than the limit of {MaxLongBytes}");
        var value = new BigInteger(Take(length), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    // ----- Globals, calls and storages -----

    private object? ResolveGlobal(string module, string name)
    {
        if (TorchPickleGlobals.TryResolve(module, name, out object? value)) return value;
        if (module is "torch" or "torch.cuda" && name.EndsWith("Storage", StringComparison.Ordinal))
            throw Fail($"storage type {Quote.Name(module + "." + name)} is not supported; expected one of {TorchPickleGlobals.StorageSummary}");
        throw Fail($"refusing to construct global {Quote.Name(module + "." + name)}; {TorchPickleGlobals.AllowedSummary}");
    }

    private object Call(object? callable, object? arguments)
    {
        if (callable is not PickleGlobal global)
            throw Fail($"{OpcodeName(_opcode)} calls {PickleDescribe.Of(callable)}, which is not callable");
        if (arguments is not PickleTuple tuple)
            throw Fail($"{OpcodeName(_opcode)} calls {global.FullName} with {PickleDescribe.Of(arguments)}, expected a tuple of arguments");
        object?[] args = tuple.Items;
        switch (global.Kind)
        {
            case PickleGlobalKind.OrderedDict:
                return BuildDict(global, args);
            case PickleGlobalKind.TorchSize:
                ExpectArguments(global, args, 1, 1);
                return new PickleTuple(Dimensions(args[0], "torch.Size", out _).Select(d => (object?)d).ToArray());
            case PickleGlobalKind.RebuildTensorV2:
                ExpectArguments(global, args, 6, 7);
                return TensorView(args);
            case PickleGlobalKind.RebuildTensor:
                ExpectArguments(global, args, 4, 4);
                return TensorView(args);
            case PickleGlobalKind.RebuildParameter:
            case PickleGlobalKind.RebuildParameterWithState:
                int count = global.Kind == PickleGlobalKind.RebuildParameter ? 3 : 4;
                ExpectArguments(global, args, count, count);
                return args[0] as TorchTensorView
                    ?? throw Fail($"{global.FullName} rebuilds {PickleDescribe.Of(args[0])}, expected a tensor");
            default:
                throw Fail($"the global {Quote.Name(global.FullName)} cannot be called; it may only name a storage type in a persistent id");
        }
    }

    private void ExpectArguments(PickleGlobal global, object?[] args, int min, int max)
    {
        if (args.Length < min || args.Length > max)
            throw Fail($"{global.FullName} is called with {args.Length} arguments, expected {(min == max ? $"{min}" : $"{min} or {max}")}");
    }

    private PickleDict BuildDict(PickleGlobal global, object?[] args)
    {
        var dict = new PickleDict();
        if (args.Length == 0) return dict;
        if (args.Length == 1 && args[0] is List<object?> or PickleTuple)
        {
            IEnumerable<object?> pairs = args[0] is List<object?> list ? list : ((PickleTuple)args[0]!).Items;
            foreach (object? pair in pairs)
            {
                object?[] kv = pair switch
                {
                    PickleTuple { Items.Length: 2 } t => t.Items,
                    List<object?> { Count: 2 } l => l.ToArray(),
                    _ => throw Fail($"{global.FullName} item is {PickleDescribe.Of(pair)}, expected a (key, value) pair"),
                };
                SetItems(dict, kv);
            }
            return dict;
        }
        throw Fail($"{global.FullName} is called with {args.Length} arguments, expected none or a list of pairs");
    }

    // ('storage', storage_type, key, location, numel): numel counts elements of storage_type.
    private TorchStorage LoadStorage(object? pid)
    {
        if (pid is not PickleTuple { Items: [string kind, var type, var key, var location, var numel] })
            throw Fail($"persistent id is {PickleDescribe.Of(pid)}, expected ('storage', storage_type, key, location, numel)");
        if (kind != "storage")
            throw Fail($"persistent id kind is {Quote.Name(kind)}, expected 'storage'");
        if (type is not PickleGlobal { Kind: PickleGlobalKind.StorageType } storageType)
            throw Fail($"persistent id storage type is {PickleDescribe.Of(type)}, expected a torch storage class such as torch.FloatStorage");
        if (key is not string name || name.Length == 0)
            throw Fail($"persistent id key is {PickleDescribe.Of(key)}, expected a non-empty str");
        if (location is not string)
            throw Fail($"persistent id location is {PickleDescribe.Of(location)}, expected a str such as 'cpu'");
        if (numel is not long count || count < 0)
            throw Fail($"storage {Quote.Name(name)} has element count {(numel is long or BigInteger ? numel : PickleDescribe.Of(numel))}, expected a non-negative int");

        torch.ScalarType elementType = storageType.ElementType;
        string dtype = TorchPickleGlobals.DTypeName(elementType);
        if (_storages.TryGetValue(name, out TorchStorage? seen))
        {
            if (seen.ElementType != elementType || seen.Count != count)
                throw Fail($"storage {Quote.Name(name)} is named as {count} {dtype} elements, but earlier as {seen.Count} {TorchPickleGlobals.DTypeName(seen.ElementType)} elements");
            return seen;
        }

        int size = TorchPickleGlobals.ElementSize(elementType);
        if (count > long.MaxValue / size)
            throw Fail($"storage {Quote.Name(name)} of {count} {dtype} elements has too many bytes (the size overflows 64 bits)");
        (string recordName, long? length) = _storageRecord(name);
        if (length is null)
            throw Fail($"storage {Quote.Name(name)} has no record {Quote.Name(recordName)} in the archive");
        if (length != count * size)
            throw Fail($"storage {Quote.Name(name)} record {Quote.Name(recordName)} has {length} bytes, but {count} {dtype} elements need {count * size}");
        var storage = new TorchStorage(name, recordName, elementType, count, count * size);
        _storages[name] = storage;
        return storage;
    }

    // (storage, storage_offset, size, stride, ...): a strided view that must lie inside the storage.
    private TorchTensorView TensorView(object?[] args)
    {
        if (args[0] is not TorchStorage storage)
            throw Fail($"tensor is rebuilt from {PickleDescribe.Of(args[0])}, expected a storage");
        if (args[1] is not long offset || offset < 0)
            throw Fail($"tensor storage offset is {(args[1] is long or BigInteger ? args[1] : PickleDescribe.Of(args[1]))}, expected a non-negative int");
        long[] size = Dimensions(args[2], "tensor size", out long count);
        long[] stride = Dimensions(args[3], "tensor stride", out _);
        if (stride.Length != size.Length)
            throw Fail($"tensor size {Quote.Shape(size)} and stride {Quote.Shape(stride)} have different lengths");

        string where = $"tensor view (offset {offset}, size {Quote.Shape(size)}, stride {Quote.Shape(stride)})";
        string of = $"storage {Quote.Name(storage.Key)} ({storage.Count} {TorchPickleGlobals.DTypeName(storage.ElementType)} elements)";
        if (count == 0)
        {
            if (offset > storage.Count) throw Fail($"{where} starts past the end of {of}");
        }
        else
        {
            long last = offset;
            try
            {
                for (int i = 0; i < size.Length; i++) last = checked(last + (size[i] - 1) * stride[i]);
            }
            catch (OverflowException)
            {
                throw Fail($"{where} reaches past element 2^63 of {of}");
            }
            if (last >= storage.Count)
                throw Fail($"{where} reaches element {last}, past the end of {of}");
        }
        return new TorchTensorView(storage, offset, size, stride) { Count = count };
    }

    private long[] Dimensions(object? value, string what, out long count)
    {
        object?[] items = value switch
        {
            PickleTuple tuple => tuple.Items,
            List<object?> list => list.ToArray(),
            _ => throw Fail($"{what} is {PickleDescribe.Of(value)}, expected a tuple of ints"),
        };
        if (items.Length > MaxDimensions)
            throw Fail($"{what} has {items.Length} dimensions, more than the limit of {MaxDimensions}");
        var dims = new long[items.Length];
        count = 1;
        bool overflow = false;
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] is not long dim || dim < 0)
                throw Fail($"{what}[{i}] is {(items[i] is long or BigInteger ? items[i] : PickleDescribe.Of(items[i]))}, expected a non-negative int");
            dims[i] = dim;
            if (dim != 0 && count > long.MaxValue / dim) overflow = true;
            else count *= dim;
        }
        if (overflow && !dims.Contains(0))
            throw Fail($"{what} {Quote.Shape(dims)} has too many elements (the count overflows 64 bits)");
        if (overflow) count = 0;
        return dims;
    }

    // ----- Errors -----

    private TensorFileException Fail(string problem) => new(_path, $"{_record} byte {_opcodeStart}: {problem}");

    private static string OpcodeName(byte opcode) => opcode switch
    {
        (byte)'(' => "MARK", (byte)'.' => "STOP", (byte)'0' => "POP", (byte)'1' => "POP_MARK", (byte)'2' => "DUP",
        (byte)'F' => "FLOAT", (byte)'I' => "INT", (byte)'J' => "BININT", (byte)'K' => "BININT1", (byte)'L' => "LONG",
        (byte)'M' => "BININT2", (byte)'N' => "NONE", (byte)'P' => "PERSID", (byte)'Q' => "BINPERSID", (byte)'R' => "REDUCE",
        (byte)'S' => "STRING", (byte)'T' => "BINSTRING", (byte)'U' => "SHORT_BINSTRING", (byte)'V' => "UNICODE",
        (byte)'X' => "BINUNICODE", (byte)'a' => "APPEND", (byte)'b' => "BUILD", (byte)'c' => "GLOBAL", (byte)'d' => "DICT",
        (byte)'}' => "EMPTY_DICT", (byte)'e' => "APPENDS", (byte)'g' => "GET", (byte)'h' => "BINGET", (byte)'i' => "INST",
        (byte)'j' => "LONG_BINGET", (byte)'l' => "LIST", (byte)']' => "EMPTY_LIST", (byte)'o' => "OBJ", (byte)'p' => "PUT",
        (byte)'q' => "BINPUT", (byte)'r' => "LONG_BINPUT", (byte)'s' => "SETITEM", (byte)'t' => "TUPLE", (byte)')' => "EMPTY_TUPLE",
        (byte)'u' => "SETITEMS", (byte)'G' => "BINFLOAT", (byte)'B' => "BINBYTES", (byte)'C' => "SHORT_BINBYTES",
        0x80 => "PROTO", 0x81 => "NEWOBJ", 0x82 => "EXT1", 0x83 => "EXT2", 0x84 => "EXT4", 0x85 => "TUPLE1", 0x86 => "TUPLE2",
        0x87 => "TUPLE3", 0x88 => "NEWTRUE", 0x89 => "NEWFALSE", 0x8a => "LONG1", 0x8b => "LONG4", 0x8c => "SHORT_BINUNICODE",
        0x8d => "BINUNICODE8", 0x8e => "BINBYTES8", 0x8f => "EMPTY_SET", 0x90 => "ADDITEMS", 0x91 => "FROZENSET",
        0x92 => "NEWOBJ_EX", 0x93 => "STACK_GLOBAL", 0x94 => "MEMOIZE", 0x95 => "FRAME", 0x96 => "BYTEARRAY8",
        0x97 => "NEXT_BUFFER", 0x98 => "READONLY_BUFFER",
        _ => $"0x{opcode:X2}",
    };
}
