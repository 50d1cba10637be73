using System.Runtime.InteropServices;
using SharpSight.Models.Architecture;
using SharpSight.Models.Hooks;
using SharpSight.Models.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Activations;

/// <summary>
/// Runs a model over the windows of a token source, <see cref="ActivationStoreOptions.ModelBatchSize"/> windows per forward
/// pass, and keeps the hook's value at every real, non-excluded position. The forward pass stops right after the hook.
/// </summary>
/// <remarks>
/// Forward batches are always windows [kF, (k+1)F) of the source, also after a skip, so a resumed stream computes every
/// activation in the same batch as the uninterrupted one and gets the same bits. Input ids and index tensors are allocated
/// once and reused; each pass allocates only its result.
/// </remarks>
internal sealed class ModelActivationStream : ActivationStream
{
    private readonly TransformerModel _model;
    private readonly HookPoint _hook;
    private readonly ITokenWindowReader _reader;
    private readonly int _batch, _length, _dIn;
    private readonly long? _excludeId;
    private readonly bool[] _real;
    private readonly Tensor _ids;     // [batch, length] int64, CPU: the windows are read straight into it
    private readonly Tensor _keep;    // [batch * length] int64, CPU: flat indices of the kept positions
    private readonly HookFunction _capture;
    private Tensor? _pending;         // the rest of a pass that a skip ended inside
    private Tensor? _keepOnDevice, _captured;
    private int _window;
    private bool _ended;

    public ModelActivationStream(TransformerModel model, ITokenSource source, ActivationStoreOptions options)
        : base(options.MaxActivations)
    {
        (_hook, _dIn) = Resolve(model, source.ContextLength, options);
        _model = model;
        _batch = options.ModelBatchSize;
        _length = source.ContextLength;
        _excludeId = options.ExcludesBos(source) ? source.BosId : null;
        _real = new bool[_batch * _length];
        _ids = zeros([_batch, _length], ScalarType.Int64).DetachFromDisposeScope();
        _keep = zeros([_batch * (long)_length], ScalarType.Int64).DetachFromDisposeScope();
        _capture = Capture;
        _reader = source.Open();
    }

    public override int DIn => _dIn;

    public override long Contexts => _contexts;

    public override long Tokens => _tokens;

    private long _contexts, _tokens;

    /// <summary>
    /// The hook point and its width, checked: the name exists (else the hook set's message with close names), its value is
    /// [batch, pos, …] with fixed trailing sizes, their product matches the expected d_in, and the context fits the model.
    /// </summary>
    public static (HookPoint Hook, int DIn) Resolve(TransformerModel model, int contextLength, ActivationStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        options.Validate();
        HookPoint hook = model.Hooks[options.Hook];
        IReadOnlyList<HookDim> dims = hook.Shape.Dims;
        if (dims.Count < 3 || dims[0].Symbol != "batch" || dims[1].Symbol != "pos" || dims.Skip(2).Any(d => d.Symbol is not null))
            throw new ArgumentException($"hook point '{hook.Name}' has shape {hook.Shape}; the activation store reads values shaped [batch, pos, d] (or [batch, pos, heads, d_head], flattened)");
        long dIn = dims.Skip(2).Aggregate(1L, (product, d) => product * d.Size);
        if (options.DIn is { } expected && expected != dIn)
            throw new ArgumentException($"hook point '{hook.Name}' has d_in {dIn} (shape {hook.Shape}), expected {expected}");
        if (model.Config.Positions == PositionKind.Learned && contextLength > model.Config.MaxPositions)
            throw new ArgumentException($"context length {contextLength} exceeds the model's {model.Config.MaxPositions} positions");
        return (hook, checked((int)dIn));
    }

    protected override Tensor? ReadNext()
    {
        if (_pending is { } pending)
        {
            _pending = null;
            return pending;
        }
        while (true)
        {
            int windows = ReadWindows();
            if (windows == 0) return null;
            (int kept, bool prefixes) = SelectKept(windows);
            if (kept > 0) return Run(windows, kept, prefixes);
        }
    }

    protected override long Skip(long count)
    {
        long skipped = 0;
        while (skipped < count)
        {
            int windows = ReadWindows();
            if (windows == 0) break;
            (int kept, bool prefixes) = SelectKept(windows);
            if (skipped + kept <= count)
            {
                skipped += kept;
                continue;
            }
            // The skip ends inside this pass: run it whole (same batch as the uninterrupted stream) and keep its tail.
            using Tensor all = Run(windows, kept, prefixes);
            long drop = count - skipped;
            _pending = all.narrow(0, drop, kept - drop).DetachFromDisposeScope();
            skipped = count;
        }
        return skipped;
    }

    private Span<long> Ids => MemoryMarshal.Cast<byte, long>(_ids.bytes);

    private int ReadWindows()
    {
        int windows = 0;
        Span<long> ids = Ids;
        while (windows < _batch && !_ended)
        {
            int at = windows * _length;
            if (_reader.Read(ids.Slice(at, _length), _real.AsSpan(at, _length))) windows++;
            else _ended = true;
        }
        _contexts += windows;
        return windows;
    }

    // Writes the flat indices of kept positions into _keep; also says whether every window's real positions are a prefix
    // (then no attention mask is needed: the model is causal, so trailing padding cannot change earlier positions).
    private (int Kept, bool Prefixes) SelectKept(int windows)
    {
        Span<long> ids = Ids;
        Span<long> keep = MemoryMarshal.Cast<byte, long>(_keep.bytes);
        int kept = 0;
        bool prefixes = true;
        for (int w = 0; w < windows; w++)
        {
            bool padded = false;
            for (int p = w * _length, end = p + _length; p < end; p++)
            {
                if (!_real[p])
                {
                    padded = true;
                    continue;
                }
                if (padded) prefixes = false;
                _tokens++;
                if (ids[p] != _excludeId) keep[kept++] = p;
            }
        }
        return (kept, prefixes);
    }

    private Tensor Run(int windows, int kept, bool prefixes)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();   // temporaries only: the result is detached from every scope in Capture
        Device device = _model.Device;
        bool cpu = device.type == DeviceType.CPU;
        using Tensor rows = _ids.narrow(0, 0, windows);
        using Tensor? input = cpu ? null : rows.to(device);
        using Tensor? mask = prefixes ? null : tensor(_real.AsSpan(0, windows * _length).ToArray(), ScalarType.Bool, device).view(windows, _length).to(ScalarType.Int64);
        using Tensor keepRows = _keep.narrow(0, 0, kept);
        using Tensor? keepOnDevice = cpu ? null : keepRows.to(device);
        _keepOnDevice = keepOnDevice ?? keepRows;
        _window = windows;
        _captured = null;
        try
        {
            using (_hook.Add(_capture))
            {
                using Tensor logits = _model.Forward(input ?? rows, mask);
            }
        }
        catch (StopForward)
        {
        }
        finally
        {
            _keepOnDevice = null;
        }
        Tensor result = _captured ?? throw new InvalidOperationException($"hook point '{_hook.Name}' did not run during the forward pass");
        _captured = null;
        return result;
    }

    private Tensor? Capture(Tensor activation, HookPoint point)
    {
        long[] shape = activation.shape;
        if (shape.Length < 3 || shape[0] != _window || shape[1] != _length || shape.Skip(2).Aggregate(1L, (a, b) => a * b) != _dIn)
            throw new InvalidOperationException($"hook point '{point.Name}' gave shape [{string.Join(", ", shape)}], expected [{_window}, {_length}, …] with d_in {_dIn}");
        // These tensors belong to the forward pass's dispose scope; only the result is detached from it.
        Tensor kept = activation.reshape(_window * (long)_length, _dIn).index_select(0, _keepOnDevice!);
        if (kept.dtype != ScalarType.Float32) kept = kept.to_type(ScalarType.Float32);
        if (kept.device_type != DeviceType.CPU) kept = kept.cpu();
        _captured = kept.contiguous().DetachFromDisposeScope();
        throw StopForward.Instance;
    }

    public override void Dispose()
    {
        _reader.Dispose();
        _pending?.Dispose();
        _pending = null;
        _ids.Dispose();
        _keep.Dispose();
    }

    /// <summary>Thrown from the hook to end the forward pass once the activation is taken (one reused instance).</summary>
    private sealed class StopForward : Exception
    {
        public static readonly StopForward Instance = new();
    }
}
