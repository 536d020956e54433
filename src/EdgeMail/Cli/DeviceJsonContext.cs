using System.Text.Json.Serialization;

namespace EdgeMail.Cli;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<DeviceEntry>))]
internal sealed partial class DeviceJsonContext : JsonSerializerContext;
