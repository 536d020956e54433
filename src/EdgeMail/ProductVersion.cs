using System.Reflection;

namespace EdgeMail;

/// <summary>This build's version (the informational version without its commit suffix), as `--version` prints it.</summary>
internal static class ProductVersion
{
    public static string Current { get; } =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
}
