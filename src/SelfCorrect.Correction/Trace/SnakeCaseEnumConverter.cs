using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfCorrect.Correction;

/// <summary>Enum values in JSON as snake_case strings (<c>no_problem</c>), in the trace's schema.</summary>
internal sealed class SnakeCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower) where T : struct, Enum;
