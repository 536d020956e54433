using System.Globalization;
using System.Text;
using EdgeMail.Auth.Accounts;
using EdgeMail.Auth.Admin;
using EdgeMail.Auth.TwoFactor;
using EdgeMail.Auth.Login;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Web.Hosting;
using EdgeMail.Web.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeMail.Web.Admin;

/// <summary>
/// <c>/admin</c>: the admin's login (<see cref="AdminLogin"/>: the account's own password and, once turned on, a TOTP
/// code, through the shared login throttle; refused over plain HTTP except from loopback) and, once logged in, accounts (add, remove, reset password), devices (revoke) and the relay
/// queue (retry now, delete). Each action runs the code of its CLI verb: <see cref="AccountChanges"/> (<c>user</c>),
/// <see cref="Authenticator.RevokeAppPasswordAsync"/> (<c>device revoke</c>), <see cref="IQueueControl"/> (<c>queue</c>).
/// Every form is CSRF-checked.
/// </summary>
internal static class AdminEndpoints
{
    public const string Protocol = "WEB";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/admin", async (HttpContext context, AdminSessions sessions, MailStore store, IQueueControl queue, WebOptions options) =>
        {
            if (!Requests.MaySeePasswords(context))
            {
                return Requests.HttpsUrl(context, options) is { } url ? Results.Redirect(url) : Forbidden();
            }

            NoStore(context);
            return sessions.Current(context) is { } session
                ? await DashboardAsync(context, session, store, notice: null, error: null).ConfigureAwait(false)
                : Page(AdminPages.Login(context));
        });

        app.MapPost("/admin/login", async (HttpContext context, AdminSessions sessions, AdminLogin admin) =>
        {
            if (await FormAsync(context).ConfigureAwait(false) is not { } form)
            {
                return Forbidden();
            }

            var address = form["account"].ToString().Trim();
            var code = form["code"].ToString();
            var result = await admin.LoginAsync(new AdminLoginRequest(address, form["password"].ToString(), code.Length == 0 ? null : code, Requests.Remote(context).Address), context.RequestAborted).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                var status = result.Outcome switch
                {
                    AdminLoginOutcome.Locked => StatusCodes.Status429TooManyRequests,
                    AdminLoginOutcome.WrongCredentials or AdminLoginOutcome.SecondFactorRequired or AdminLoginOutcome.WrongSecondFactor => StatusCodes.Status401Unauthorized,
                    _ => StatusCodes.Status403Forbidden,
                };

                // The password is asked again with the code: the page keeps no password between two requests.
                var askCode = result.Outcome is AdminLoginOutcome.SecondFactorRequired or AdminLoginOutcome.WrongSecondFactor;
                return Page(AdminPages.Login(context, result.Reason, address, askCode), status);
            }

            sessions.Start(context, result.Account!.Id, result.Account.Address);
            return Results.Redirect("/admin", permanent: false);
        });

        app.MapPost("/admin/logout", async (HttpContext context, AdminSessions sessions) =>
        {
            if (await FormAsync(context).ConfigureAwait(false) is null)
            {
                return Forbidden();
            }

            sessions.End(context);
            return Results.Redirect("/admin", permanent: false);
        });

        MapAction(app, "/admin/accounts/add", async (context, form, services) =>
        {
            var account = await AccountChanges.AddAsync(services.Store, form["account"].ToString().Trim(), form["password"].ToString(), services.Box.Domains, context.RequestAborted).ConfigureAwait(false);
            services.Events.Raise();
            return $"added {account.Address}";
        });

        MapAction(app, "/admin/accounts/remove", async (context, form, services) =>
        {
            var address = form["account"].ToString();
            if (await services.Store.FindAccountAsync(address, context.RequestAborted).ConfigureAwait(false) is { IsAdmin: true })
            {
                throw new StoreException(StoreError.NotAllowed, "the admin account cannot be removed from the page");
            }
            await AccountChanges.RemoveAsync(services.Store, address, context.RequestAborted).ConfigureAwait(false);
            services.Events.Raise();
            return $"removed {address}";
        });

        MapAction(app, "/admin/accounts/password", async (context, form, services) =>
        {
            var account = await AccountChanges.SetPasswordAsync(services.Store, form["account"].ToString(), form["password"].ToString(), context.RequestAborted).ConfigureAwait(false);
            return $"password changed for {account.Address}";
        });

        MapAction(app, "/admin/devices/revoke", async (context, form, services) =>
        {
            var address = form["account"].ToString();
            var device = form["device"].ToString();
            var account = await services.Store.FindAccountAsync(address, context.RequestAborted).ConfigureAwait(false)
                ?? throw new StoreException(StoreError.NotFound, $"no account {address}");
            if (!await services.Authenticator.RevokeAppPasswordAsync(account.Id, device, context.RequestAborted).ConfigureAwait(false))
            {
                throw new StoreException(StoreError.NotFound, $"{address} has no device named {device}");
            }
            return $"revoked {device} of {address}: it can no longer log in, and its open sessions have ended";
        });

        // Two-factor for the logged-in admin: the code of `edgemail user 2fa enable|confirm|disable`.
        MapPage(app, "/admin/2fa/begin", async (context, form, services, session) =>
        {
            var result = await services.TwoFactor.BeginAsync(await AccountOf(services, session, context).ConfigureAwait(false), context.RequestAborted).ConfigureAwait(false);
            return result.Succeeded
                ? AdminPages.TwoFactorEnrol(context, result.Secret!, result.Uri!, error: null)
                : throw new StoreException(StoreError.NotAllowed, result.Reason);
        });

        MapPage(app, "/admin/2fa/confirm", async (context, form, services, session) =>
        {
            var account = await AccountOf(services, session, context).ConfigureAwait(false);
            var result = await services.TwoFactor.ConfirmAsync(account, form["code"].ToString(), context.RequestAborted).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return AdminPages.RecoveryCodes(result.RecoveryCodes!);
            }
            if (result.Outcome == TwoFactorOutcome.WrongCode && form["secret"].ToString() is { Length: > 0 } secret)
            {
                // Still pending: the same secret again, with the reason.
                return AdminPages.TwoFactorEnrol(context, secret, TwoFactorService.KeyUri(account.Address, secret), result.Reason);
            }
            throw new StoreException(StoreError.NotAllowed, result.Reason);
        });

        MapAction(app, "/admin/2fa/disable", async (context, form, services) =>
        {
            var account = await services.Store.FindAccountAsync(form["account"].ToString(), context.RequestAborted).ConfigureAwait(false)
                ?? throw new StoreException(StoreError.NotFound, $"no account {form["account"]}");
            var result = await services.TwoFactor.DisableAsync(account, context.RequestAborted).ConfigureAwait(false);
            return result.Succeeded ? $"two-factor login is off for {account.Address}" : throw new StoreException(StoreError.NotAllowed, result.Reason);
        });

        MapAction(app, "/admin/queue/retry", async (context, form, services) =>
        {
            var count = await services.Queue.RetryNowAsync(context.RequestAborted).ConfigureAwait(false);
            return string.Create(CultureInfo.InvariantCulture, $"{count} recipient(s) due now; the relay is sending them");
        });

        MapAction(app, "/admin/queue/delete", async (context, form, services) =>
        {
            if (!long.TryParse(form["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !await services.Queue.DeleteAsync(id, context.RequestAborted).ConfigureAwait(false))
            {
                throw new StoreException(StoreError.NotFound, $"no queued message {form["id"]}");
            }
            return string.Create(CultureInfo.InvariantCulture, $"deleted queued message {id}");
        });
    }

    /// <summary>The services an admin action uses.</summary>
    internal sealed record AdminServices(MailStore Store, Authenticator Authenticator, IQueueControl Queue, IBoxInfo Box, StatusEvents Events, TwoFactorService TwoFactor);

    /// <summary>
    /// One admin action: HTTPS or loopback, the CSRF check, a logged-in admin, then the action; its result or the
    /// store's one-sentence refusal is shown on the dashboard.
    /// </summary>
    private static void MapAction(IEndpointRouteBuilder app, string path, Func<HttpContext, IFormCollection, AdminServices, Task<string>> action) =>
        Map(app, path, async (context, form, services, session) =>
        {
            var notice = await action(context, form, services).ConfigureAwait(false);
            return await DashboardAsync(context, session, services.Store, notice, error: null).ConfigureAwait(false);
        });

    /// <summary>An admin action that answers a page of its own (two-factor enrolment) rather than the dashboard.</summary>
    private static void MapPage(IEndpointRouteBuilder app, string path, Func<HttpContext, IFormCollection, AdminServices, AdminSessions.Session, Task<string>> action) =>
        Map(app, path, async (context, form, services, session) => Page(await action(context, form, services, session).ConfigureAwait(false)));

    private static async Task<Account> AccountOf(AdminServices services, AdminSessions.Session session, HttpContext context) =>
        await services.Store.FindAccountAsync(session.Address, context.RequestAborted).ConfigureAwait(false)
        ?? throw new StoreException(StoreError.NotFound, $"no account {session.Address}");

    private static void Map(IEndpointRouteBuilder app, string path, Func<HttpContext, IFormCollection, AdminServices, AdminSessions.Session, Task<IResult>> action)
    {
        app.MapPost(path, async (HttpContext context, AdminSessions sessions, MailStore store, Authenticator authenticator, IQueueControl queue, IBoxInfo box, StatusEvents events, TwoFactorService twoFactor) =>
        {
            if (await FormAsync(context).ConfigureAwait(false) is not { } form)
            {
                return Forbidden();
            }
            if (sessions.Current(context) is not { } session)
            {
                return Page(AdminPages.Login(context, "your admin login has ended: log in again"), StatusCodes.Status401Unauthorized);
            }

            NoStore(context);
            try
            {
                return await action(context, form, new AdminServices(store, authenticator, queue, box, events, twoFactor), session).ConfigureAwait(false);
            }
            catch (StoreException ex)
            {
                var status = ex.Error == StoreError.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
                return await DashboardAsync(context, session, store, notice: null, ex.Message, status).ConfigureAwait(false);
            }
        });
    }

    private static async Task<IFormCollection?> FormAsync(HttpContext context) => (await Csrf.ReadFormAsync(context).ConfigureAwait(false)).Form;

    private static async Task<IResult> DashboardAsync(HttpContext context, AdminSessions.Session session, MailStore store, string? notice, string? error, int status = StatusCodes.Status200OK)
    {
        var accounts = new List<(Account, IReadOnlyList<AppPassword>)>();
        foreach (var account in await store.ListAccountsAsync(context.RequestAborted).ConfigureAwait(false))
        {
            accounts.Add((account, await store.ListAppPasswordsAsync(account.Id, context.RequestAborted).ConfigureAwait(false)));
        }
        var queue = await store.ListQueueAsync(context.RequestAborted).ConfigureAwait(false);
        var twoFactor = new Dictionary<long, bool>();
        foreach (var (account, _) in accounts)
        {
            twoFactor[account.Id] = await store.IsTotpEnabledAsync(account.Id, context.RequestAborted).ConfigureAwait(false);
        }
        var log = context.RequestServices.GetService(typeof(IRecentLog)) is IRecentLog recent ? recent.Lines() : [];
        return Page(AdminPages.Dashboard(context, session.Address, accounts, twoFactor, queue, log, notice, error), status);
    }

    private static IResult Forbidden() => Page(Html.Page("Refused · EdgeMail",
        "<section><h1>Refused</h1><p class=\"error\" role=\"alert\">The admin page takes passwords over HTTPS only, and each form once: reload it and try again.</p><p><a href=\"/admin\">Admin</a></p></section>"), StatusCodes.Status403Forbidden);

    private static IResult Page(string html, int status = StatusCodes.Status200OK) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";
}
