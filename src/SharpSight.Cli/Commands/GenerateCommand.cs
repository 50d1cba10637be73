using System.CommandLine;
using System.Text.Json;
using SharpSight.Models.Chat;
using SharpSight.Models.Generation;
using SharpSight.Models.Modules;
using SharpSight.Models.Tokenizers;

namespace SharpSight.Cli.Commands;

/// <summary>`sharpsight generate`: sample text, raw or in the model's chat format, streaming it to the terminal.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        Option<string> model = ModelOptions.Model(), dtype = ModelOptions.DType();
        var prompt = new Option<string>("--prompt") { Description = "Prompt text (with --chat: the user's message)", Required = true };
        var chat = new Option<bool>("--chat") { Description = "Wrap the prompt in the model's chat format (from tokenizer_config.json) and generate the assistant's turn" };
        var format = new Option<string?>("--chat-format") { Description = "Chat format instead of the detected one: llama3, llama3.1, gemma, chatml, plain" };
        var system = new Option<string?>("--system") { Description = "System message (with --chat)" };
        var prefill = new Option<string?>("--prefill") { Description = "Text the assistant's turn starts with; the model continues it (implies --chat)" };
        var sampleUser = new Option<bool>("--sample-user") { Description = "Persona sampling: after the prompt as the assistant's message, the model writes the user's next turn (implies --chat)" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most new tokens", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature; 0 = greedy", DefaultValueFactory = _ => 0.0 };
        var topP = new Option<double?>("--top-p") { Description = "Nucleus sampling probability mass" };
        var topK = new Option<int?>("--top-k") { Description = "Sample among the k most likely tokens" };
        var repetition = new Option<double>("--repetition-penalty") { Description = "Hugging Face repetition penalty (1 = off)", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed (the same seed gives the same text)", DefaultValueFactory = _ => 0UL };
        var stop = new Option<string[]>("--stop") { Description = "Stop when this text appears (repeatable)", AllowMultipleArgumentsPerToken = false };
        var noCache = new Option<bool>("--no-cache") { Description = "Recompute the whole sequence every step instead of using the KV cache" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (prompt ids, generated ids, text, stop reason) instead of streaming text" };
        var command = new Command("generate", "Generate text from a prompt, raw or in the model's chat format")
        {
            model, prompt, chat, format, system, prefill, sampleUser, maxTokens, temperature, topP, topK, repetition, seed, stop, noCache, json, dtype,
        };
        CommandRunner.SetBody(command, (parsed, output) =>
        {
            string folder = ModelOptions.Folder(parsed.GetValue(model)!);
            using TransformerModel loaded = ModelOptions.Load(parsed.GetValue(model)!, parsed.GetValue(dtype)!);
            ITokenizer tokenizer = TokenizerLoader.Load(folder);
            var options = new GenerationOptions
            {
                MaxNewTokens = parsed.GetValue(maxTokens),
                Temperature = parsed.GetValue(temperature),
                TopP = parsed.GetValue(topP),
                TopK = parsed.GetValue(topK),
                RepetitionPenalty = parsed.GetValue(repetition),
                Seed = parsed.GetValue(seed),
                StopStrings = parsed.GetValue(stop) ?? [],
                UseCache = !parsed.GetValue(noCache),
            };
            bool asJson = parsed.GetValue(json);
            Action<string>? stream = asJson ? null : text => { output.Write(text); output.Flush(); };
            string text = parsed.GetValue(prompt)!;
            bool useChat = parsed.GetValue(chat) || parsed.GetValue(prefill) is not null || parsed.GetValue(sampleUser);

            GenerationResult result;
            if (!useChat)
            {
                result = new TextGenerator(loaded, tokenizer).Generate(text, options, stream);
            }
            else
            {
                ChatFormat chatFormat = parsed.GetValue(format) is { } name ? ChatFormat.FromName(name) : TokenizerLoader.ChatFormat(folder);
                var generator = new ChatGenerator(loaded, tokenizer, chatFormat);
                var messages = new List<ChatMessage>();
                if (parsed.GetValue(system) is { } systemText) messages.Add(ChatMessage.System(systemText));
                result = parsed.GetValue(sampleUser)
                    ? generator.SampleTurn([.. messages, ChatMessage.Assistant(text)], options, "user", parsed.GetValue(prefill) ?? "", stream)
                    : generator.Reply([.. messages, ChatMessage.User(text)], options, parsed.GetValue(prefill), stream);
            }
            if (asJson)
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    prompt_ids = result.PromptIds, generated_ids = result.GeneratedIds, text = result.Text,
                    stop_reason = result.Reason.ToString().ToLowerInvariant(),
                }));
            else
                output.WriteLine();
        });
        return command;
    }
}
