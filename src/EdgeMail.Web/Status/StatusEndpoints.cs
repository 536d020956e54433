using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using EdgeMail.Device;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeMail.Web.Status;

/// <summary><c>/</c> (the status view), <c>GET /api/status</c> (JSON for monitoring and tests) and <c>/api/events</c> (server-sent events).</summary>
internal static class StatusEndpoints
{
    /// <summary>A comment line this often keeps an idle event stream open through proxies and tells a dead one apart.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", async (HttpContext context, StatusBuilder builder) =>
        {
            var status = await builder.BuildAsync(withPins: false, context.RequestAborted).ConfigureAwait(false);
            return Results.Content(StatusPage.Render(status), "text/html; charset=utf-8");
        });

        app.MapGet("/api/status", async (HttpContext context, StatusBuilder builder) =>
        {
            var status = await builder.BuildAsync(WithPins(context), context.RequestAborted).ConfigureAwait(false);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(status, WebJsonContext.Default.StatusSnapshot);
        });

        app.MapGet("/api/events", (HttpContext context, StatusBuilder builder, StatusEvents events) =>
        {
            if (!events.TryEnter())
            {
                return Results.Problem("too many status pages follow the box at once (Web:MaxEventStreams); reload later", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.ServerSentEvents(Stream(builder, events, WithPins(context), context.RequestAborted));
        });
    }

    /// <summary>The raw pin values are for the loopback test hook only: the Virtual driver, from loopback.</summary>
    private static bool WithPins(HttpContext context) =>
        Requests.IsLoopback(context) && context.RequestServices.GetService(typeof(DeviceService)) is DeviceService { VirtualDriver: not null };

    private static async IAsyncEnumerable<SseItem<string>> Stream(StatusBuilder builder, StatusEvents events, bool withPins, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Taken before the snapshot is built: a change while it is built or written is seen on the next turn.
                var next = events.NextChange;
                var status = await builder.BuildAsync(withPins, cancellationToken).ConfigureAwait(false);
                yield return new SseItem<string>(JsonSerializer.Serialize(status, WebJsonContext.Default.StatusSnapshot), "status");
                while (true)
                {
                    // The keep-alive's timer is cancelled as soon as a change comes, so none lingers per event.
                    using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var woke = await Task.WhenAny(next, Task.Delay(KeepAlive, keepAlive.Token)).ConfigureAwait(false);
                    await keepAlive.CancelAsync().ConfigureAwait(false);
                    if (woke == next || cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }
                    yield return new SseItem<string>("", "keepalive");
                }
            }
        }
        finally
        {
            events.Leave();
        }
    }
}
