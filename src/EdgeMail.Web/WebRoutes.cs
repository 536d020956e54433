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
            headers["Referrer-Policy"] = "no-referrer";
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
