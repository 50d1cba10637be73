using static TorchSharp.torch;

namespace SharpSight.Tracing.Graph;

/// <summary>Orthogonal indexing of tensors by an <see cref="IndexSpec"/>: reading a region and writing into one.</summary>
public static class Indexing
{
    /// <summary>The selected region; dimensions indexed by a single integer are dropped.</summary>
    public static Tensor Select(Tensor value, IndexSpec spec, string where)
    {
        using var scope = NewDisposeScope();
        Tensor result = value;
        for (int d = 0; d < spec.Dims.Count; d++)
        {
            DimIndex index = spec.Dims[d];
            if (index is DimIndex.All) continue;
            if (index is DimIndex.Range { Step: 1 } range)
            {
                long[] picked = range.Resolve(result.shape[d], where);
                result = result.narrow(d, picked.Length > 0 ? picked[0] : 0, picked.Length);
            }
            else
            {
                result = result.index_select(d, tensor(index.Resolve(result.shape[d], where), device: value.device));
            }
        }
        for (int d = spec.Dims.Count - 1; d >= 0; d--)
            if (spec.Dims[d].Drops) result = result.squeeze(d);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A copy of <paramref name="target"/> with the region selected by <paramref name="spec"/> (offset by
    /// <paramref name="rowOffset"/> rows in dimension 0) replaced by, or increased by, <paramref name="value"/>, which must
    /// broadcast to the region (dropped dimensions excluded).
    /// </summary>
    public static Tensor Write(Tensor target, long rowOffset, long rows, IndexSpec? spec, Tensor value, WriteMode mode, string where)
    {
        using var scope = NewDisposeScope();
        int rank = (int)target.dim();
        var dims = Enumerable.Range(0, rank).Select(d => spec is not null && d < spec.Dims.Count ? spec.Dims[d] : new DimIndex.All()).ToArray();
        long[] shape = target.shape;
        long[][] picked = dims.Select((index, d) => index.Resolve(d == 0 ? rows : shape[d], where)).ToArray();
        for (int i = 0; i < picked[0].Length; i++) picked[0][i] += rowOffset;

        // Value: broadcast to the region as read (dropped dimensions absent), then re-insert the dropped dimensions.
        long[] region = picked.Select(p => (long)p.Length).ToArray();
        Tensor v = value.to(target.dtype).expand(region.Where((_, d) => !dims[d].Drops).ToArray());
        for (int d = 0; d < rank; d++)
            if (dims[d].Drops) v = v.unsqueeze(d);

        Tensor result = target.clone();
        // One broadcastable index tensor per dimension: their outer product is the region.
        Tensor[] indices = picked.Select((p, d) =>
        {
            long[] view = Enumerable.Repeat(1L, rank).ToArray();
            view[d] = p.Length;
            return tensor(p, device: target.device).view(view);
        }).ToArray();
        result.index_put_(v, indices, mode == WriteMode.Add);
        return result.MoveToOuterDisposeScope();
    }
}
