using System.Text;
using EdgeMail.Auth.Pairing;
using EdgeMail.Store;
using EdgeMail.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeMail.Web.Pairing;

/// <summary>
/// <c>/pair</c> (the form and its answer), <c>POST /api/pair</c> (the same for scripts), the phone's one-time link
/// <c>/p/TOKEN</c>, and the CA certificate (<c>/ca.crt</c> DER, <c>/ca.pem</c>). Whatever takes or shows a password is
/// served over HTTPS only, except to loopback; plain HTTP redirects there.
/// </summary>
internal static class PairEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/pair", async (HttpContext context, PairFlow flow, MailStore store, IBoxInfo box, WebOptions options) =>
        {
            if (!Requests.MaySeePasswords(context))
            {
                return ToHttps(context, options);
            }

            NoStore(context);
            if (flow.Window.TimeLeft is var left && left <= TimeSpan.Zero)
            {
                return Page(PairPages.Closed(flow.Window.Length));
            }

            var first = (await store.ListAccountsAsync(context.RequestAborted).ConfigureAwait(false)).Count == 0;
            return Page(PairPages.Form(context, left, first, box.Domains));
        });

        app.MapPost("/pair", async (HttpContext context, PairFlow flow, MailStore store, IBoxInfo box, WebOptions options) =>
        {
            NoStore(context);
            var (form, formRefusal) = await Csrf.ReadFormAsync(context).ConfigureAwait(false);
            if (form is null)
            {
                return Page(PairPages.Message("Refused", formRefusal!, 403), 403);
            }

            var address = form["account"].ToString();
            var device = form["device"].ToString();
            var (result, answer) = await flow.PairAsync(context, address, form["password"].ToString(), device).ConfigureAwait(false);
            if (answer is not null)
            {
                return Page(PairPages.Answer(answer, phone: false));
            }
            if (result.Outcome == PairingOutcome.WindowClosed)
            {
                return Page(PairPages.Closed(flow.Window.Length), StatusFor(result.Outcome));
            }

            var first = (await store.ListAccountsAsync(context.RequestAborted).ConfigureAwait(false)).Count == 0;
            return Page(PairPages.Form(context, flow.Window.TimeLeft, first, box.Domains, result.Reason, address, device), StatusFor(result.Outcome));
        });

        app.MapPost("/api/pair", async (HttpContext context, PairRequestBody body, PairFlow flow) =>
        {
            if (!Requests.MaySeePasswords(context))
            {
                return Error("pairing takes a password, so it is served over HTTPS only", StatusCodes.Status403Forbidden);
            }

            NoStore(context);
            if (string.IsNullOrWhiteSpace(body.Account) || string.IsNullOrEmpty(body.Password) || body.DeviceName is null)
            {
                return Error("account, password and deviceName are required", StatusCodes.Status400BadRequest);
            }

            var (result, answer) = await flow.PairAsync(context, body.Account, body.Password, body.DeviceName).ConfigureAwait(false);
            return answer is not null
                ? Results.Json(answer, WebJsonContext.Default.PairAnswer)
                : Error(result.Reason, StatusFor(result.Outcome));
        });

        app.MapGet("/pair/profile/{id}/edgemail.mobileconfig", (HttpContext context, string id, OneTimeDownloads downloads) =>
        {
            if (!Requests.MaySeePasswords(context))
            {
                return Results.NotFound();
            }

            NoStore(context);
            return downloads.Take(id) is { } profile
                ? Results.File(profile, Autoconfig.AppleProfile.ContentType, "edgemail.mobileconfig")
                : Page(PairPages.Message("Download used or expired", "This profile held a password, so it could be downloaded once, while the pairing window was open. Pair again to get a new one.", 410), 410);
        });

        app.MapGet("/api/pair/link/{id}", (string id, PairFlow flow) =>
            Results.Json(new PhoneLinkState(flow.PhoneLinkState(id)), WebJsonContext.Default.PhoneLinkState));

        app.MapGet("/p/{token}", (HttpContext context, string token, PairFlow flow, WebOptions options) =>
        {
            if (!Requests.MaySeePasswords(context))
            {
                return ToHttps(context, options);
            }

            NoStore(context);
            // A GET never redeems: link previews and scanners fetch links on their own.
            return flow.Peek(token) is { } account
                ? Page(PairPages.Phone(context, token, account))
                : Page(PairPages.Message("Link used or expired", "This pairing link was used already, or its pairing window has closed. Pair again from the box's page.", 410), 410);
        });

        app.MapPost("/p/{token}", async (HttpContext context, string token, PairFlow flow) =>
        {
            NoStore(context);
            var (form, formRefusal) = await Csrf.ReadFormAsync(context).ConfigureAwait(false);
            if (form is null)
            {
                return Page(PairPages.Message("Refused", formRefusal!, 403), 403);
            }

            var (refusal, answer) = await flow.RedeemAsync(context, token, form["device"].ToString()).ConfigureAwait(false);
            if (answer is not null)
            {
                return Page(PairPages.Answer(answer, phone: true));
            }

            return flow.Peek(token) is { } account
                ? Page(PairPages.Phone(context, token, account, refusal), StatusCodes.Status400BadRequest)
                : Page(PairPages.Message("Link used or expired", refusal!, 410), 410);
        });

        // The CA is public: served over plain HTTP too, so that a device can trust it before its first HTTPS visit.
        app.MapGet("/ca.crt", (IBoxCertificates certificates) => certificates.AuthorityDer is { } der
            ? Results.File(der, "application/x-x509-ca-cert", "edgemail-ca.crt")
            : Results.NotFound());
        app.MapGet("/ca.pem", (IBoxCertificates certificates) => certificates.AuthorityDer is { } der
            ? Results.Text(Pem(der), "application/x-pem-file", Encoding.ASCII)
            : Results.NotFound());
    }

    public static int StatusFor(PairingOutcome outcome) => outcome switch
    {
        PairingOutcome.WindowClosed or PairingOutcome.MainPasswordRequired => StatusCodes.Status403Forbidden,
        PairingOutcome.WrongPassword => StatusCodes.Status401Unauthorized,
        PairingOutcome.Locked => StatusCodes.Status429TooManyRequests,
        PairingOutcome.DeviceNameTaken => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    private static IResult ToHttps(HttpContext context, WebOptions options) =>
        Requests.HttpsUrl(context, options) is { } url
            ? Results.Redirect(url)
            : Page(PairPages.Message("HTTPS needed", "This page takes a password and is served over HTTPS only, which is off (Web:TlsPort 0).", 403), 403);

    private static IResult Page(string html, int status = StatusCodes.Status200OK) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static IResult Error(string message, int status) => Results.Json(new ErrorAnswer(message), WebJsonContext.Default.ErrorAnswer, statusCode: status);

    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";

    private static string Pem(byte[] der) => new(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der));
}
