using System.Text.Json.Nodes;
using SharpSight.Models.Chat;
using SharpSight.Models.Tests.Support;

namespace SharpSight.Models.Tests.Chat;

/// <summary>Rendered text against the real templates in shared/data, rendered by hand from their Jinja source.</summary>
public class ChatFormatTests
{
    private static readonly ChatMessage[] Conversation =
        [ChatMessage.System("You are terse."), ChatMessage.User("Hi"), ChatMessage.Assistant(" Hello! "), ChatMessage.User("Bye")];

    private static ChatFormat FromConfig(string relative) =>
        ChatFormat.FromTemplate(JsonNode.Parse(File.ReadAllText(SharedData.Path(relative)))!["chat_template"]?.GetValue<string>());

    [Theory]
    [InlineData("tokenizers/llama3/tokenizer_config.json", "llama3.1")]
    [InlineData("tokenizers/qwen2.5/tokenizer_config.json", "chatml")]
    [InlineData("tokenizers/gemma/tokenizer_config.json", "gemma")]
    [InlineData("tokenizers/llama2/tokenizer_config.json", "plain")]           // no chat_template
    [InlineData("tokenizers/mistral-7b-v0.1/tokenizer_config.json", "plain")]  // [INST] template: not one of the known formats
    public void The_format_is_chosen_from_tokenizer_config(string relative, string expected) =>
        Assert.Equal(expected, FromConfig(relative).Name);

    [Fact]
    public void Llama_3_2_renders_the_dated_system_turn_and_trims_content()
    {
        string text = FromConfig("tokenizers/llama3/tokenizer_config.json").Render(Conversation);
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n" +
            "You are terse.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Llama_3_2_without_a_system_message_still_opens_with_the_dated_system_turn()
    {
        string text = FromConfig("tokenizers/llama3/tokenizer_config.json").Render([ChatMessage.User("Hi")], addGenerationPrompt: false);
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n" +
                     "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", text);
    }

    [Fact]
    public void Qwen_adds_its_default_system_turn_only_when_there_is_none()
    {
        ChatFormat qwen = FromConfig("tokenizers/qwen2.5/tokenizer_config.json");
        Assert.Equal("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
                     "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", qwen.Render([ChatMessage.User("Hi")]));
        Assert.Equal("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n Hello! <|im_end|>\n" +
                     "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n", qwen.Render(Conversation));
    }

    [Fact]
    public void Gemma_calls_the_assistant_model_and_folds_the_system_prompt_into_the_first_user_turn()
    {
        string text = FromConfig("tokenizers/gemma/tokenizer_config.json").Render(Conversation);
        Assert.Equal("<bos><start_of_turn>user\nYou are terse.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n" +
                     "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n", text);
    }

    [Fact]
    public void Prefill_continues_an_open_assistant_turn_and_persona_sampling_opens_a_user_turn()
    {
        var gemma = new GemmaChatFormat();
        ChatMessage[] messages = [ChatMessage.User("Tell me a secret.")];
        Assert.Equal("<bos><start_of_turn>user\nTell me a secret.<end_of_turn>\n<start_of_turn>model\nSure, my secret is",
            gemma.RenderPrefill(messages, "Sure, my secret is"));
        Assert.Equal("<bos><start_of_turn>user\nTell me a secret.<end_of_turn>\n<start_of_turn>model\nNo.<end_of_turn>\n<start_of_turn>user\n",
            gemma.RenderOpenTurn([.. messages, ChatMessage.Assistant("No.")], "user"));
    }

    [Fact]
    public void Plain_format_and_bad_roles()
    {
        Assert.Equal("System: Be brief.\n\nUser: Hi\n\nAssistant: ", new PlainChatFormat().Render([ChatMessage.System("Be brief."), ChatMessage.User("Hi")]));
        Assert.Contains("'tool'", Assert.Throws<ArgumentException>(() => new PlainChatFormat().Render([new ChatMessage("tool", "x")])).Message);
        Assert.Contains("llama3", Assert.Throws<ArgumentException>(() => ChatFormat.FromName("vicuna")).Message);
    }
}
