using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace EdgeMail.Web;

/// <summary>
/// The page's HTML, written by hand into a <see cref="StringBuilder"/> (no Razor): every value goes through
/// <see cref="Text"/> or <see cref="Attribute"/>, which encode it. One layout for every page.
/// </summary>
internal static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string Text(string? value) => Encoder.Encode(value ?? "");

    public static string Attribute(string? value) => Encoder.Encode(value ?? "");

    /// <summary>The layout: head with the stylesheet and the page's script (deferred), a header, the body, a footer.</summary>
    /// <param name="refreshSeconds">Without JavaScript, the page reloads itself this often (0: never).</param>
    public static string Page(string title, string body, string? script = null, int refreshSeconds = 0)
    {
        var html = new StringBuilder(4096);
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Text(title)).Append("</title>")
            .Append("<link rel=\"stylesheet\" href=\"/assets/site.css\">");
        if (refreshSeconds > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<noscript><meta http-equiv=\"refresh\" content=\"{refreshSeconds}\"></noscript>");
        }
        if (script is not null)
        {
            html.Append("<script src=\"/assets/").Append(Attribute(script)).Append("\" defer></script>");
        }
        html.Append("</head><body><header><a class=\"brand\" href=\"/\">EdgeMail</a><nav><a href=\"/\">Status</a><a href=\"/pair\">Pair a device</a><a href=\"/admin\">Admin</a></nav></header><main>")
            .Append(body)
            .Append("</main></body></html>\n");
        return html.ToString();
    }

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    public static string Duration(long seconds) => seconds switch
    {
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60} min"),
        < 86400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600} h {seconds % 3600 / 60} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400} d {seconds % 86400 / 3600} h"),
    };
}
