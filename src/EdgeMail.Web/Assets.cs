using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeMail.Web;

/// <summary>
/// The page's static files (<c>Assets/</c>, embedded in the binary), served at <c>/assets/NAME</c> with an ETag from
/// their content: read once at start, so a request costs no file access.
/// </summary>
internal static class Assets
{
    private const string Prefix = "EdgeMail.Web.Assets.";

    private static readonly FrozenDictionary<string, (byte[] Content, string Type, string ETag)> Files = Load();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            if (!Files.TryGetValue(name, out var file))
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers.ETag = file.ETag;
            return context.Request.Headers.IfNoneMatch == file.ETag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(file.Content, file.Type);
        });
    }

    private static FrozenDictionary<string, (byte[], string, string)> Load()
    {
        var assembly = typeof(Assets).Assembly;
        var files = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[Prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                ".png" => "image/png",
                _ => "application/octet-stream",
            };
            files[name] = (content, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
