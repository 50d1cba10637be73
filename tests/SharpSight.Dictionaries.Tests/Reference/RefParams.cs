namespace SharpSight.Dictionaries.Tests.Reference;

/// <summary>
/// A dictionary's parameters as plain doubles, row-major, under their SAELens names and layouts:
/// W_enc [d_in, d_sae], W_dec [d_sae, d_in], b_dec [d_in], every other vector [d_sae].
/// Independent of TorchSharp and of the library under test.
/// </summary>
internal sealed class RefParams
{
    private readonly Dictionary<string, double[]> _values = [];

    public RefParams(int dIn, int dSae, IEnumerable<string> names)
    {
        DIn = dIn;
        DSae = dSae;
        foreach (string name in names) _values[name] = new double[Shape(name).Aggregate(1, (a, b) => a * b)];
    }

    public int DIn { get; }

    public int DSae { get; }

    public IEnumerable<string> Names => _values.Keys;

    public bool Has(string name) => _values.ContainsKey(name);

    public double[] this[string name] => _values[name];

    public int[] Shape(string name) => name switch
    {
        "W_enc" => [DIn, DSae],
        "W_dec" => [DSae, DIn],
        "b_dec" => [DIn],
        _ => [DSae],
    };

    public double WEnc(int d, int i) => _values["W_enc"][d * DSae + i];

    public double WDec(int i, int d) => _values["W_dec"][i * DIn + d];

    /// <summary>‖W_dec row i‖.</summary>
    public double DecoderNorm(int i)
    {
        double sum = 0;
        for (int d = 0; d < DIn; d++) sum += WDec(i, d) * WDec(i, d);
        return Math.Sqrt(sum);
    }

    public RefParams Clone()
    {
        var copy = new RefParams(DIn, DSae, Names);
        foreach (string name in Names) Array.Copy(_values[name], copy._values[name], _values[name].Length);
        return copy;
    }

    /// <summary>Rounds every value to float32 so the library (float32) and the reference see the same numbers.</summary>
    public RefParams RoundToFloat()
    {
        foreach (double[] values in _values.Values)
            for (int j = 0; j < values.Length; j++) values[j] = (float)values[j];
        return this;
    }

    /// <summary>The parameter names of an architecture, in SAELens spelling.</summary>
    public static string[] NamesOf(string architecture) => architecture switch
    {
        "gated" => ["W_enc", "W_dec", "b_dec", "b_gate", "r_mag", "b_mag"],
        "jumprelu" or "batchtopk" => ["W_enc", "W_dec", "b_dec", "b_enc", "threshold"],
        _ => ["W_enc", "W_dec", "b_dec", "b_enc"],
    };
}
