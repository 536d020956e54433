using System.Text.Json.Serialization;

namespace EdgeMail.Store.Mime;

/// <summary>Source-generated (AOT-safe) serialization of summaries for the database.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MessageSummary))]
internal sealed partial class SummaryJsonContext : JsonSerializerContext;
