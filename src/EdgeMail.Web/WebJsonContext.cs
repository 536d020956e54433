using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeMail.Web.Status;

namespace EdgeMail.Web;

/// <summary>Every JSON the page reads or writes, source-generated (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusSnapshot))]
[JsonSerializable(typeof(ErrorAnswer))]
[JsonSerializable(typeof(Pairing.PairAnswer))]
[JsonSerializable(typeof(Pairing.PairRequestBody))]
[JsonSerializable(typeof(Pairing.PhoneLinkState))]
[JsonSerializable(typeof(TestHook.ButtonPress))]
[JsonSerializable(typeof(TestHook.ButtonPressed))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
internal sealed partial class WebJsonContext : JsonSerializerContext;

/// <summary>A refusal as JSON: <c>{"error": "..."}</c>, one sentence for the user.</summary>
public sealed record ErrorAnswer(string Error);
