using EdgeMail.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeMail.Web.Autoconfig;

/// <summary>
/// The client auto-configuration documents. They name no secret, so they are served over plain HTTP as well as HTTPS
/// (Thunderbird and Outlook ask the <c>autoconfig.</c> and <c>autodiscover.</c> hosts over both), and never cached:
/// they follow the live configuration.
/// </summary>
internal static class AutoconfigEndpoints
{
    public const string ThunderbirdPath = "/mail/config-v1.1.xml";

    public const string ThunderbirdWellKnownPath = "/.well-known/autoconfig/mail/config-v1.1.xml";

    public const string AutodiscoverPath = "/autodiscover/autodiscover.xml";

    public const string ProfilePath = "/mail/profile.mobileconfig";

    public static void Map(IEndpointRouteBuilder app)
    {
        // Thunderbird: the address is in the query (emailaddress=...); without it, the format's placeholders.
        app.MapGet(ThunderbirdPath, static (HttpContext context) => Thunderbird(context));
        app.MapGet(ThunderbirdWellKnownPath, static (HttpContext context) => Thunderbird(context));

        // Outlook POSTs here (and to /Autodiscover/Autodiscover.xml: routes match without regard to case).
        app.MapPost(AutodiscoverPath, static (HttpContext context, TimeProvider time, WebOptions options) => AutodiscoverAsync(context, time, options));

        // Without a password, always: the one with an app password exists only in a pairing's one-time answer.
        app.MapGet(ProfilePath, static (HttpContext context) =>
        {
            NoStore(context);
            context.Response.Headers.ContentDisposition = "attachment; filename=\"edgemail.mobileconfig\"";
            return Results.Bytes(ClientSetup.AppleProfileWithoutPassword(context, Address(context)), AppleProfile.ContentType);
        });
    }

    private static IResult Thunderbird(HttpContext context)
    {
        NoStore(context);
        return Results.Bytes(ThunderbirdConfig.Write(ClientSetup.For(context, Address(context))), ThunderbirdConfig.ContentType);
    }

    private static async Task<IResult> AutodiscoverAsync(HttpContext context, TimeProvider time, WebOptions options)
    {
        NoStore(context);
        Autodiscover.Request request;
        using (var body = new MemoryStream())
        {
            try
            {
                // Kestrel stops the read past Web:MaxRequestBodyBytes; the request is then answered as invalid.
                await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
                body.Position = 0;
                request = Autodiscover.Parse(body, options.MaxRequestBodyBytes);
            }
            catch (BadHttpRequestException)
            {
                request = new Autodiscover.Request(null, Autodiscover.InvalidRequest);
            }
        }

        // Exchange answers its errors with 200 and the Error element; Outlook reads the body either way.
        return request.Address is { } address
            ? Results.Bytes(Autodiscover.Write(ClientSetup.For(context, address)), Autodiscover.ContentType)
            : Results.Bytes(Autodiscover.WriteError(request.ErrorCode, time.GetUtcNow()), Autodiscover.ContentType);
    }

    private static string? Address(HttpContext context) =>
        context.Request.Query.TryGetValue("emailaddress", out var values) && values.Count == 1 ? values[0] : null;

    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";
}
