using Parquet;
using Parquet.Schema;
using SharpSight.Dictionaries.Activations;

namespace SharpSight.Dictionaries.Tests.Activations;

public class TextSourceTests
{
    // Character ids: a..h = 0..7, ' ' = 8, <s> = 9 (BOS), <pad> = 10.
    private const long Bos = 9, Pad = 10;

    private static List<long[]> Ids(ITokenSource source) => [.. TestData.Windows(source).Select(w => w.Ids)];

    private static List<bool[]> Real(ITokenSource source) => [.. TestData.Windows(source).Select(w => w.Real)];

    private static TextTokenSource Source(TextCorpus corpus, int context, TextPacking packing = TextPacking.Concatenate, bool? bos = null) =>
        new(corpus, TestData.Characters(), context, packing, bos);

    [Fact]
    public void Concatenation_separates_documents_with_bos_and_pads_only_the_last_window()
    {
        var source = Source(TextCorpus.FromDocuments(["abc", "de"], "two"), 4);
        Assert.Equal(9, source.BosId);
        Assert.Equal([[Bos, 0, 1, 2], [Bos, 3, 4, Pad]], Ids(source));
        Assert.Equal([[true, true, true, true], [true, true, true, false]], Real(source));
    }

    [Fact]
    public void A_window_starting_inside_a_document_gets_a_bos_of_its_own()
    {
        var source = Source(TextCorpus.FromDocuments(["abcdef", "g"], "two"), 4);
        Assert.Equal([[Bos, 0, 1, 2], [Bos, 3, 4, 5], [Bos, 6, Pad, Pad]], Ids(source));
    }

    [Fact]
    public void Truncation_keeps_one_document_per_window()
    {
        var source = Source(TextCorpus.FromDocuments(["abcdef", "g"], "two"), 4, TextPacking.Truncate);
        Assert.Equal([[Bos, 0, 1, 2], [Bos, 6, Pad, Pad]], Ids(source));
        Assert.Equal([[true, true, true, true], [true, true, false, false]], Real(source));
    }

    [Fact]
    public void Without_bos_documents_are_simply_concatenated()
    {
        var source = Source(TextCorpus.FromDocuments(["abc", "de"], "two"), 4, bos: false);
        Assert.Null(source.BosId);
        Assert.Equal([[0L, 1, 2, 3], [4, Pad, Pad, Pad]], Ids(source));
        Assert.Contains("bos none", source.Description);
    }

    [Fact]
    public void Plain_text_reads_lines_or_the_whole_file()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("lines.txt"), "abc\n\n  \nde\n");
        Assert.Equal([[Bos, 0, 1, 2], [Bos, 3, 4, Pad]], Ids(Source(TextCorpus.PlainText(folder.File("lines.txt")), 4)));
        File.WriteAllText(folder.File("whole.txt"), "abc de");
        Assert.Equal([[Bos, 0, 1, 2, 8, 3, 4, Pad]], Ids(Source(TextCorpus.PlainText(folder.File("whole.txt"), documentPerLine: false), 8)));
    }

    [Fact]
    public void Jsonl_reads_the_named_field_and_skips_blank_lines()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(folder.File("c.jsonl"), ["{\"text\": \"abc\", \"id\": 1}", "", "{\"id\": 2, \"text\": \"de\"}"]);
        var source = Source(TextCorpus.Jsonl(folder.File("c.jsonl")), 4);
        Assert.Equal([[Bos, 0, 1, 2], [Bos, 3, 4, Pad]], Ids(source));
        Assert.Contains("jsonl c.jsonl (", source.Description);
        Assert.Contains("field 'text'", source.Description);
        File.WriteAllLines(folder.File("b.jsonl"), ["{\"body\": \"hh\"}"]);
        Assert.Equal([[Bos, 7, 7, Pad]], Ids(Source(TextCorpus.Jsonl(folder.File("b.jsonl"), field: "body"), 4)));
    }

    [Theory]
    [InlineData("{\"text\": \"abc\"", "line 2: not valid JSON (")]
    [InlineData("{\"body\": \"abc\", \"id\": 3}", "line 2: no field 'text' (fields: body, id)")]
    [InlineData("{\"text\": 5}", "line 2: field 'text' is a number, not a string")]
    [InlineData("{\"text\": null}", "line 2: field 'text' is null, not a string")]
    [InlineData("[\"abc\"]", "line 2: expected a JSON object with a 'text' field, got an array")]
    public void Bad_jsonl_lines_are_one_line_errors_naming_file_line_and_field(string line, string expected)
    {
        using var folder = new TempFolder();
        string path = folder.File("c.jsonl");
        File.WriteAllLines(path, ["{\"text\": \"ab\"}", line, "{\"text\": \"cd\"}"]);
        var error = Assert.Throws<TokenSourceException>(() => Ids(Source(TextCorpus.Jsonl(path), 4)));
        Assert.StartsWith($"{path} {expected}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static async Task WriteParquet(string path, string?[] texts, int rowGroups = 1)
    {
        var text = new DataField<string>("text", nullable: true);
        var id = new DataField<int>("id");
        var schema = new ParquetSchema(text, id);
        await using FileStream file = File.Create(path);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(schema, file);
        int per = (texts.Length + rowGroups - 1) / rowGroups;
        for (int start = 0; start < texts.Length; start += per)
        {
            string?[] group = texts[start..Math.Min(texts.Length, start + per)];
            using ParquetRowGroupWriter rows = writer.CreateRowGroup();
            await rows.WriteAsync(text, group!);
            await rows.WriteAsync(id, (ReadOnlyMemory<int>)Enumerable.Range(start, group.Length).ToArray());
        }
    }

    [Fact]
    public async Task Parquet_reads_the_named_string_column_across_row_groups()
    {
        using var folder = new TempFolder();
        string path = folder.File("c.parquet");
        await WriteParquet(path, ["abc", "de", "", "fg"], rowGroups: 2);
        var source = Source(TextCorpus.Parquet(path), 4);
        Assert.Equal([[Bos, 0, 1, 2], [Bos, 3, 4, Bos], [Bos, 5, 6, Pad]], Ids(source));   // the empty row is skipped
        Assert.Contains("parquet c.parquet (", source.Description);
    }

    [Fact]
    public async Task Bad_parquet_input_is_a_one_line_error_naming_file_row_and_column()
    {
        using var folder = new TempFolder();
        string path = folder.File("c.parquet");
        await WriteParquet(path, ["abc", null, "de"]);
        var error = Assert.Throws<TokenSourceException>(() => Ids(Source(TextCorpus.Parquet(path), 4)));
        Assert.Equal($"{path} row 1: column 'text' is null", error.Message);
        error = Assert.Throws<TokenSourceException>(() => Ids(Source(TextCorpus.Parquet(path, column: "body"), 4)));
        Assert.Equal($"{path}: no column 'body' (columns: text, id)", error.Message);
        error = Assert.Throws<TokenSourceException>(() => Ids(Source(TextCorpus.Parquet(path, column: "id"), 4)));
        Assert.Equal($"{path}: column 'id' holds Int32 values, not strings", error.Message);
        File.WriteAllText(folder.File("text.parquet"), "not parquet at all");
        error = Assert.Throws<TokenSourceException>(() => Ids(Source(TextCorpus.Parquet(folder.File("text.parquet")), 4)));
        Assert.StartsWith($"{folder.File("text.parquet")}: not a readable Parquet file (", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Bos_is_refused_when_the_tokenizer_has_none_and_descriptions_tell_tokenizers_apart()
    {
        var plain = Models.Tokenizers.Vocabularies.CharacterTokenizer.FromCharacters("abc");
        var corpus = TextCorpus.FromDocuments(["abc"], "one");
        Assert.Contains("no BOS", Assert.Throws<ArgumentException>(() => new TextTokenSource(corpus, plain, 4, prependBos: true)).Message);
        var withoutBos = new TextTokenSource(corpus, plain, 4);
        Assert.Null(withoutBos.BosId);
        Assert.NotEqual(withoutBos.Description, new TextTokenSource(corpus, TestData.Characters(), 4, prependBos: false).Description);
    }
}
