using System.Globalization;
using SelfCorrect.Bench.Server;

// The gateway against direct calls and a bare proxy (GatewayBench):
//        dotnet run -c Release --project bench/SelfCorrect.Bench.Server [-- DELAY_MS [IN_FLIGHT,...]]   (default 50 1,64,256)
// The tiny GGUF batched vs one after another (GgufBatchBench):
//        dotnet run -c Release --project bench/SelfCorrect.Bench.Server -- gguf [MAX_TOKENS [ROUNDS [THREADS]]]   (default 48 3 2)
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
if (args is ["gguf", ..]) await GgufBatchBench.RunAsync(maxTokens: Arg(1, 48), rounds: Arg(2, 3), threads: Arg(3, 2));
else await GatewayBench.RunAsync(delayMs: Arg(0, 50), args.Length > 1 ? [.. args[1].Split(',').Select(level => int.Parse(level, CultureInfo.InvariantCulture))] : [1, 64, 256]);
