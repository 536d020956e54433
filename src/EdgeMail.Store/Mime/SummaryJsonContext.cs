using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace EdgeMail.Store.Mime;

/// <summary>Source-generated (AOT-safe) serialization of summaries for the database.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MessageSummary))]
internal sealed partial class SummaryJsonContext : JsonSerializerContext
{
    /// <summary>JSON levels above the part tree: the summary, its envelope, address lists and their members.</summary>
    private const int EnvelopeLevels = 16;

    /// <summary>
    /// The summary's serialization for a store parsing MIME to <paramref name="maxMimeDepth"/> levels (Storage:MaxMimeDepth).
    /// Each MIME level is two JSON levels (the part and its list of parts), so System.Text.Json's default MaxDepth of
    /// 64 would refuse a message nested about 30 deep, which MimeKit and the option allow: such mail could never be
    /// stored. The depth follows the option instead.
    /// </summary>
    public static JsonTypeInfo<MessageSummary> For(int maxMimeDepth) =>
        new SummaryJsonContext(new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            MaxDepth = (2 * maxMimeDepth) + EnvelopeLevels,
        }).MessageSummary;
}
