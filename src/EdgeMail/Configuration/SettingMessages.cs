using System.Globalization;
using System.Text.RegularExpressions;
using EdgeMail.Device;
using EdgeMail.Pop3;
using EdgeMail.Smtp.Relay;
using Microsoft.Extensions.Configuration;

namespace EdgeMail.Configuration;

/// <summary>
/// Turns what the binder and the validators say into one line a user can act on: the key once, the value given and
/// what is expected instead.
/// </summary>
internal static partial class SettingMessages
{
    /// <summary>The enums a setting can hold, with their names (no reflection: the binding is source-generated).</summary>
    private static readonly Dictionary<string, string[]> EnumNames = new(StringComparer.Ordinal)
    {
        [typeof(Pop3DeleteMode).FullName!] = Enum.GetNames<Pop3DeleteMode>(),
        [typeof(RelaySecurity).FullName!] = Enum.GetNames<RelaySecurity>(),
        // SysFs is a name the binder takes but the Device validator refuses in this build: not offered.
        [typeof(GpioDriverKind).FullName!] = [nameof(GpioDriverKind.Virtual), nameof(GpioDriverKind.LibGpiod)],
    };

    /// <summary>Whether <paramref name="typeName"/> (a full name) is an enum that <see cref="EnumNames"/> knows.</summary>
    public static bool KnowsEnum(string typeName) => EnumNames.ContainsKey(typeName);

    /// <summary>
    /// The generated binder's conversion failure ("Failed to convert configuration value 'abc' at 'Imap:Port' to type
    /// 'System.Int32'.") as "Imap:Port: 'abc' is not a whole number", or null for any other failure.
    /// </summary>
    public static string? FromConversionFailure(string message)
    {
        var match = ConversionFailure().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var key = match.Groups["key"].Value;
        var value = match.Groups["value"].Value;
        return $"{key}: '{value}' is not {Expected(match.Groups["type"].Value)}";
    }

    /// <summary>What a value of <paramref name="typeName"/> looks like, in words.</summary>
    public static string Expected(string typeName) => typeName switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "a whole number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration such as 00:00:30 (hh:mm:ss) or 1.00:00:00 (one day)",
        _ when EnumNames.TryGetValue(typeName, out var names) => "one of " + string.Join(", ", names),
        _ => $"a value of type {typeName}",
    };

    /// <summary>
    /// A validator's failure with the key said once: "Bind: Network:Bind: 'x' is ..." becomes "Network:Bind: 'x' is
    /// ...", and DataAnnotations' "MaxBatchWrites: The field StoreOptions.MaxBatchWrites must be between 1 and 10000."
    /// becomes "Storage:MaxBatchWrites must be between 1 and 10000 (is 0)".
    /// </summary>
    public static string FromValidation(string section, string failure, IConfiguration configuration)
    {
        var text = failure.Trim();
        if (text.StartsWith(section + ": ", StringComparison.Ordinal))
        {
            text = text[(section.Length + 2)..];
        }

        var member = MemberPrefix().Match(text);
        if (!member.Success)
        {
            return text;
        }

        var name = member.Groups["member"].Value;
        var rest = member.Groups["rest"].Value;
        var key = $"{section}:{name}";
        if (rest.Contains(key, StringComparison.Ordinal))
        {
            return rest;
        }

        var field = DataAnnotationsField().Match(rest);
        var said = field.Success ? field.Groups["rule"].Value.TrimEnd('.') : ": " + rest;
        var given = configuration[key];
        return given is null ? $"{key}{said}" : string.Create(CultureInfo.InvariantCulture, $"{key}{said} (is {given})");
    }

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"^(?<member>[A-Za-z0-9]+): (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex MemberPrefix();

    [GeneratedRegex(@"^The field [A-Za-z0-9]+\.[A-Za-z0-9]+(?<rule> .*)$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationsField();
}
