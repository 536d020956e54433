using System.Text.Json.Serialization;

namespace EdgeMail.Cli;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(List<FetchStatus>))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
