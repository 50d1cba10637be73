using System.CommandLine;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight tokenize`: ids, tokens and character offsets of a text.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        Option<string> model = ModelOptions.Model();
        var text = new Option<string>("--text") { Description = "Text to encode", Required = true };
        var special = new Option<bool>("--parse-special") { Description = "Match special tokens written in the text (e.g. <|endoftext|>)" };
        var bare = new Option<bool>("--no-special-tokens") { Description = "Do not add the tokenizer's special tokens (e.g. BOS)" };
        var command = new Command("tokenize", "Show the ids, tokens and character offsets of a text") { model, text, special, bare };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            ITokenizer tokenizer = TokenizerLoader.Load(ModelOptions.Folder(parsed.GetValue(model)!));
            string input = parsed.GetValue(text)!;
            TokenEncoding encoding = tokenizer.Encode(input, addSpecialTokens: !parsed.GetValue(bare), parseSpecialTokens: parsed.GetValue(special));
            output.WriteLine($"ids     {string.Join(",", encoding.Ids)}");
            output.WriteLine($"tokens  {encoding.Count}");
            for (int i = 0; i < encoding.Count; i++)
            {
                (int start, int end) = encoding.Offsets[i];
                output.WriteLine($"  {i,4}  {encoding.Ids[i],7}  {Quote(encoding.Tokens[i]),-18} [{start}, {end})  {Quote(input[start..end])}");
            }
        });
        return command;
    }

    // Show whitespace and control characters visibly.
    private static string Quote(string text) =>
        "\"" + string.Concat(text.Select(c => c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '"' => "\\\"", _ when char.IsControl(c) => $"\\u{(int)c:x4}", _ => c.ToString() })) + "\"";
}
