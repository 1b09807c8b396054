// What an application that adopts SelfCorrect.Correction writes: an OpenAI-compatible model through
// Microsoft.Extensions.AI.OpenAI, Checking-as-Context on top, and the run's trace as JSON.
using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using SelfCorrect.Correction;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: consumer ENDPOINT QUESTION");
    return 2;
}
IChatClient model = new OpenAIClient(new ApiKeyCredential("unused-on-loopback"), new OpenAIClientOptions { Endpoint = new Uri(args[0]) })
    .GetChatClient("loopback-model")
    .AsIChatClient();
using IChatClient chat = model.AsBuilder()
    .UseSelfCorrection(configure: client => client.Options = new SelfCorrectionOptions { Rounds = 1 })
    .Build();

ChatResponse response = await chat.GetResponseAsync(args[1]);
Console.WriteLine(JsonSerializer.Serialize(response.GetSelfCorrectionTrace()));
return 0;
