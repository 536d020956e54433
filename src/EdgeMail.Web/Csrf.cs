using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace EdgeMail.Web;

/// <summary>
/// CSRF protection for every form of the page (OWASP's double-submit cookie, and the Origin check): a form carries
/// the random value of the <c>edgemail-csrf</c> cookie (HttpOnly, SameSite=Strict, Secure over TLS) in a hidden field;
/// a POST is taken only when the two match and, when the browser sends Origin, it names this host. A site on the LAN
/// or the Internet can neither read the cookie nor send it (SameSite=Strict) nor forge the Origin.
/// </summary>
internal static class Csrf
{
    public const string CookieName = "edgemail-csrf";
    public const string FieldName = "csrf";

    /// <summary>The form's token: the cookie's value, set now if the browser has none.</summary>
    public static string Token(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var existing) && existing is { Length: 32 } && IsHex(existing))
        {
            return existing;
        }

        // One new token per answer, however many forms the page has.
        if (context.Items[CookieName] is string issued)
        {
            return issued;
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Items[CookieName] = token;
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
        return token;
    }

    /// <summary>The hidden field for a form.</summary>
    public static string Field(HttpContext context) => $"<input type=\"hidden\" name=\"{FieldName}\" value=\"{Token(context)}\">";

    /// <summary>Whether a POST of a form may be acted on.</summary>
    public static bool Check(HttpContext context, IFormCollection form)
    {
        if (context.Request.Headers.Origin is { Count: > 0 } origin
            && !(Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var uri)
                 && string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        return context.Request.Cookies.TryGetValue(CookieName, out var cookie)
            && form.TryGetValue(FieldName, out var field)
            && cookie is { Length: 32 }
            && field.ToString() is { Length: 32 } sent
            && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(cookie), System.Text.Encoding.ASCII.GetBytes(sent));
    }

    /// <summary>
    /// The form of a POST that may be acted on: over HTTPS or from loopback (it carries or answers a password), with form
    /// content, and its CSRF token. Otherwise null and <paramref name="refusal"/> says why (one sentence for the page).
    /// </summary>
    public static async Task<(IFormCollection? Form, string? Refusal)> ReadFormAsync(HttpContext context)
    {
        if (!Requests.MaySeePasswords(context))
        {
            return (null, "this form takes or shows a password, so it is served over HTTPS only");
        }
        if (!context.Request.HasFormContentType)
        {
            return (null, "this address takes a form (application/x-www-form-urlencoded)");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        return Check(context, form) ? (form, null) : (null, "the form has expired: reload the page and try again");
    }

    private static bool IsHex(string value) => value.All(char.IsAsciiHexDigitLower);
}
