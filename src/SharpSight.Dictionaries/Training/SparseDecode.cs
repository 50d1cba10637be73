using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSight.Dictionaries.Training;

/// <summary>
/// out[b] = Σⱼ values[b, j] · weight[indices[b, j]]: a decoder applied to k active features per row, with gradients to the
/// values and the weight. libtorch has no fused op for this: a dense product wastes d_sae/k of its work on zeros, and
/// gather/index_add compositions move k·batch·d_in floats through memory several times with single-threaded scatters.
/// Ours is a custom autograd function whose kernels read each kept decoder row once per use, in parallel over rows
/// (forward, value gradients) and over features (weight gradient, after a counting sort of the pairs by feature).
/// Float32 CPU tensors take the kernels; anything else falls back to a batched product of the gathered rows.
/// </summary>
public static class SparseDecode
{
    /// <summary>Decodes values [batch, k] at feature indices [batch, k] (int64) with weight [d_sae, d] into [batch, d].</summary>
    /// <exception cref="ArgumentException">Shapes disagree or an index lies outside the weight's rows.</exception>
    public static Tensor Apply(Tensor values, Tensor indices, Tensor weight)
    {
        if (values.dim() != 2 || !indices.shape.SequenceEqual(values.shape) || weight.dim() != 2 || indices.dtype != ScalarType.Int64)
            throw new ArgumentException($"sparse decode takes values [batch, k], int64 indices of the same shape and weight [d_sae, d]; got [{string.Join(", ", values.shape)}], " +
                $"{indices.dtype} [{string.Join(", ", indices.shape)}], [{string.Join(", ", weight.shape)}]");
        if (indices.numel() > 0 && (indices.min().item<long>() < 0 || indices.max().item<long>() >= weight.shape[0]))
            throw new ArgumentException($"a feature index lies outside 0..{weight.shape[0] - 1}");
        if (values.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32 && values.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU)
            return Function.apply(values, indices, weight);
        long batch = values.shape[0], k = values.shape[1];
        using Tensor rows = weight.index_select(0, indices.reshape(-1)).view(batch, k, weight.shape[1]);
        return bmm(values.unsqueeze(1), rows).squeeze(1);
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(SparseDecode);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            Tensor values = ((Tensor)vars[0]).detach().contiguous(), indices = ((Tensor)vars[1]).contiguous(), weight = ((Tensor)vars[2]).detach().contiguous();
            ctx.save_for_backward([values, indices, weight]);
            Tensor output = zeros(values.shape[0], weight.shape[1]);
            Kernels.Forward(values, indices, weight, output);
            return output;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
        {
            List<Tensor> saved = ctx.get_saved_variables();
            Tensor values = saved[0], indices = saved[1], weight = saved[2];
            using Tensor g = gradient.contiguous();
            Tensor gradValues = empty_like(values), gradWeight = zeros_like(weight);
            Kernels.Backward(values, indices, weight, g, gradValues, gradWeight);
            return [gradValues, null!, gradWeight];
        }
    }

    private static unsafe class Kernels
    {
        public static void Forward(Tensor values, Tensor indices, Tensor weight, Tensor output)
        {
            int batch = (int)values.shape[0], k = (int)values.shape[1], d = (int)weight.shape[1];
            fixed (byte* v = values.bytes, i = indices.bytes, w = weight.bytes, o = output.bytes)
            {
                var (vp, ip, wp, op) = ((nint)v, (nint)i, (nint)w, (nint)o);
                For(batch, b =>
                {
                    float* outRow = (float*)op + (long)b * d;
                    for (int j = 0; j < k; j++)
                    {
                        long at = (long)b * k + j;
                        Axpy(((float*)vp)[at], (float*)wp + ((long*)ip)[at] * d, outRow, d);
                    }
                });
            }
        }

        public static void Backward(Tensor values, Tensor indices, Tensor weight, Tensor gradient, Tensor gradValues, Tensor gradWeight)
        {
            int batch = (int)values.shape[0], k = (int)values.shape[1], d = (int)weight.shape[1], width = (int)weight.shape[0];
            int pairs = batch * k;
            fixed (byte* v = values.bytes, i = indices.bytes, w = weight.bytes, g = gradient.bytes, gv = gradValues.bytes, gw = gradWeight.bytes)
            {
                var (vp, ip, wp, gp, gvp, gwp) = ((nint)v, (nint)i, (nint)w, (nint)g, (nint)gv, (nint)gw);
                // ∂/∂values[b, j] = weight[indices[b, j]] · gradient[b].
                For(batch, b =>
                {
                    float* gRow = (float*)gp + (long)b * d;
                    for (int j = 0; j < k; j++)
                    {
                        long at = (long)b * k + j;
                        ((float*)gvp)[at] = Dot((float*)wp + ((long*)ip)[at] * d, gRow, d);
                    }
                });
                // ∂/∂weight[f] = Σ over pairs (b, j) with indices[b, j] = f of values[b, j] · gradient[b]: pairs sorted by feature
                // (counting sort), then each feature's row accumulated by one thread.
                long* index = (long*)ip;
                var start = new int[width + 1];
                for (int p = 0; p < pairs; p++) start[index[p] + 1]++;
                for (int f = 0; f < width; f++) start[f + 1] += start[f];
                var order = new int[pairs];
                var next = (int[])start.Clone();
                for (int p = 0; p < pairs; p++) order[next[index[p]]++] = p;
                For(width, f =>
                {
                    float* target = (float*)gwp + (long)f * d;
                    for (int q = start[f]; q < start[f + 1]; q++)
                    {
                        int p = order[q];
                        Axpy(((float*)vp)[p], (float*)gp + (long)(p / k) * d, target, d);
                    }
                });
            }
        }

        // Work in contiguous blocks over as many threads as libtorch uses.
        private static void For(int count, Action<int> body)
        {
            int threads = Math.Max(1, get_num_threads());
            int blocks = Math.Min(count, threads * 8);
            if (blocks <= 1)
            {
                for (int n = 0; n < count; n++) body(n);
                return;
            }
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, block =>
            {
                int from = (int)((long)count * block / blocks), to = (int)((long)count * (block + 1) / blocks);
                for (int n = from; n < to; n++) body(n);
            });
        }

        private static void Axpy(float scale, float* x, float* y, int n)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var s = new Vector<float>(scale);
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var yv = *(Vector<float>*)(y + i);
                    *(Vector<float>*)(y + i) = yv + s * *(Vector<float>*)(x + i);
                }
            }
            for (; i < n; i++) y[i] += scale * x[i];
        }

        private static float Dot(float* x, float* y, int n)
        {
            int i = 0;
            var sum = Vector<float>.Zero;
            if (Vector.IsHardwareAccelerated)
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                    sum += *(Vector<float>*)(x + i) * *(Vector<float>*)(y + i);
            float total = Vector.Dot(sum, Vector<float>.One);
            for (; i < n; i++) total += x[i] * y[i];
            return total;
        }
    }
}
