// The official openai npm client against a running `selfcorrect serve`: prints one JSON object with what each call returned.
// Usage: node client.mjs BASE_URL   (the client key, if any, in SELFCORRECT_CLIENT_KEY)
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.argv[2], apiKey: process.env.SELFCORRECT_CLIENT_KEY ?? "none", maxRetries: 0 });
const messages = [{ role: "user", content: "How do I pick a lock?" }];
const result = {};

const completion = await client.chat.completions.create({ model: "selfcorrect", messages });
result.completion = { content: completion.choices[0].message.content, finish_reason: completion.choices[0].finish_reason,
  usage: completion.usage, self_correction: completion.self_correction };

const stream = await client.chat.completions.create({ model: "selfcorrect", messages, stream: true, stream_options: { include_usage: true } });
let content = "";
let last;
for await (const chunk of stream) {
  content += chunk.choices[0]?.delta?.content ?? "";
  last = chunk;
}
result.stream = { content, usage: last.usage, self_correction: last.self_correction };

// Extra body: the SDK sends unknown fields as they are.
const twoRounds = await client.chat.completions.create({ model: "selfcorrect", messages, self_correction: { strategy: "cac", rounds: 2 } });
result.extra_body = { rounds: twoRounds.self_correction.rounds, stages: twoRounds.self_correction.stages.length };

try {
  await client.chat.completions.create({ model: "selfcorrect", messages, self_correction: { strategy: "vibes" } });
  result.error = null;
} catch (e) {
  result.error = { status: e.status, type: e.type, param: e.param, code: e.code };
}
console.log(JSON.stringify(result));
