using EdgeMail.Web.Admin;
using EdgeMail.Web.Pairing;
using EdgeMail.Web.Status;
using EdgeMail.Web.TestHook;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeMail.Web;

/// <summary>Every route of the page, in one place, and the headers every answer carries.</summary>
internal static class WebRoutes
{
    public static void Map(WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // same-origin, not no-referrer: no URL (a /p/TOKEN link) leaks to another site, but a form POST keeps its
            // Origin. Under no-referrer a browser sends "Origin: null" on every POST (Fetch, "serializing a request
            // origin"), which the CSRF check refuses.
            headers["Referrer-Policy"] = "same-origin";
            // Only our own files; the QR code is a data: image.
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
            return next(context);
        });

        Assets.Map(app);
        StatusEndpoints.Map(app);
        PairEndpoints.Map(app);
        AdminEndpoints.Map(app);
        ButtonHook.Map(app);
        Autoconfig.AutoconfigEndpoints.Map(app);
    }
}
