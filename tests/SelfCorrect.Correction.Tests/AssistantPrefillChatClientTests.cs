using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction.Tests;

public sealed class AssistantPrefillChatClientTests
{
    private static List<ChatMessage> Question() => [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Who? (a) Ann (b) Bob")];

    private static (ChatRole Role, string Text)[] Shape(IReadOnlyList<ChatMessage> messages) =>
        [.. messages.Select(message => (message.Role, message.Text))];

    [Fact]
    public async Task ScriptedClient_Prefill_IsSentAsATrailingAssistantMessage_AndStartsTheAnswer()
    {
        var inner = new ScriptedChatClient((_, _) => " (a).", continuesAssistant: true);
        var client = inner.AsBuilder().UsePrefill("The answer is").Build();
        var messages = Question();

        var response = await client.GetResponseAsync(messages);

        var call = Assert.Single(inner.Calls);
        Assert.Equal([(ChatRole.System, "Be brief."), (ChatRole.User, "Who? (a) Ann (b) Bob"), (ChatRole.Assistant, "The answer is")], Shape(call.Messages));
        Assert.Equal(2, messages.Count);
        Assert.Equal("The answer is (a).", response.Text);
        Assert.Equal((10L, 1L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount));
        Assert.Equal(("r0", ChatFinishReason.Stop), (response.ResponseId, response.FinishReason));
        Assert.True(client.GetService<AssistantPrefillChatClient>()!.PrefillApplied);
    }

    [Theory]
    [InlineData(false, "The answer is")]
    [InlineData(true, "")]
    public async Task ScriptedClient_PrefillThatCannotBeContinued_LeavesRequestsAndAnswersAsTheyAre(bool continuesAssistant, string prefill)
    {
        var inner = new ScriptedChatClient((_, _) => "(b) Bob.", continuesAssistant);
        var client = new AssistantPrefillChatClient(inner, prefill);

        var response = await client.GetResponseAsync(Question());

        Assert.Equal(Shape(Question()), Shape(inner.Calls.Single().Messages));
        Assert.Equal("(b) Bob.", response.Text);
        Assert.False(client.PrefillApplied);
    }

    [Fact]
    public async Task ScriptedClient_PrefillStreaming_YieldsThePrefillThenTheContinuation()
    {
        var inner = new ScriptedChatClient((_, _) => "(a) Ann.", continuesAssistant: true);
        var client = new AssistantPrefillChatClient(inner, "The answer is ");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question())) updates.Add(update);

        Assert.True(inner.Calls.Single().Streamed);
        Assert.Equal((ChatRole.Assistant, "The answer is "), Shape(inner.Calls[0].Messages)[^1]);
        Assert.Equal(["The answer is ", "(a)", " Ann."], updates.Where(update => update.Text.Length > 0).Select(update => update.Text));
        Assert.Equal("The answer is (a) Ann.", updates.ToChatResponse().Text);
        Assert.Equal(10, updates.ToChatResponse().Usage!.InputTokenCount);
    }
}
