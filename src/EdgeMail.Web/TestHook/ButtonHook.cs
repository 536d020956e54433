using System.Device.Gpio;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EdgeMail.Device;
using EdgeMail.Device.Gpio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace EdgeMail.Web.TestHook;

/// <summary>
/// The loopback-only test hook: with the Virtual GPIO driver, and from loopback, <c>POST /api/device/button</c>
/// (<c>{"holdMs": 3000}</c>) presses the button for that long, as a finger would: the pin goes to its pressed level, and
/// back after the hold, through the same debounce and gesture machine as a real button. With any other driver, or from
/// another address, the endpoint does not exist (404), as the pins in <c>/api/status</c> do not.
/// <c>GET /api/device/pins/events</c> (same conditions) streams every level the LEDs' pins take, as server-sent events
/// (<c>pin</c>: <c>{"pin":17,"level":1}</c>), after one <c>pins</c> event with the levels now: a test sees a blink on
/// the pin itself, edge by edge, without sampling.
/// </summary>
internal static class ButtonHook
{
    /// <summary>The longest press the hook makes (a hold past this proves nothing more).</summary>
    public const int MaxHoldMs = 30_000;

    /// <summary>Edges kept for a slow reader of the pin stream; beyond, the oldest are dropped.</summary>
    private const int MaxQueuedEdges = 4096;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/device/pins/events", (HttpContext context) =>
        {
            if (!Requests.IsLoopback(context) || context.RequestServices.GetService(typeof(DeviceService)) is not DeviceService { VirtualDriver: { } driver })
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.ServerSentEvents(PinEdges(driver, context.RequestAborted));
        });

        app.MapPost("/api/device/button", async (HttpContext context, ButtonPress press, TimeProvider time) =>
        {
            if (!Requests.IsLoopback(context)
                || context.RequestServices.GetService(typeof(DeviceService)) is not DeviceService { VirtualDriver: { } driver }
                || context.RequestServices.GetService(typeof(IOptions<DeviceOptions>)) is not IOptions<DeviceOptions> { Value.Button.Pin: { } pin } options)
            {
                return Results.NotFound();
            }

            if (press.HoldMs is < 0 or > MaxHoldMs)
            {
                return Results.Json(new ErrorAnswer($"holdMs must be between 0 and {MaxHoldMs}"), WebJsonContext.Default.ErrorAnswer, statusCode: StatusCodes.Status400BadRequest);
            }

            // Pull-up wiring: the button pulls the pin to ground when pressed.
            var pressed = options.Value.Button.PullUp ? PinValue.Low : PinValue.High;
            var released = options.Value.Button.PullUp ? PinValue.High : PinValue.Low;
            driver.SetInput(pin, pressed);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(press.HoldMs), time, context.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                driver.SetInput(pin, released);
            }

            return Results.Json(new ButtonPressed(pin, press.HoldMs), WebJsonContext.Default.ButtonPressed);
        });
    }

    private static async IAsyncEnumerable<SseItem<string>> PinEdges(VirtualGpioDriver driver, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var edges = Channel.CreateBounded<(int Pin, PinValue Level)>(new BoundedChannelOptions(MaxQueuedEdges) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        void OnLevel(int pin, PinValue level) => edges.Writer.TryWrite((pin, level));
        driver.LevelChanged += OnLevel;
        try
        {
            var now = string.Join(',', driver.OpenPinLevels().Select(p => string.Create(CultureInfo.InvariantCulture, $"\"{p.Key}\":{p.Value}")));
            yield return new SseItem<string>("{" + now + "}", "pins");
            await foreach (var (pin, level) in edges.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new SseItem<string>(string.Create(CultureInfo.InvariantCulture, $"{{\"pin\":{pin},\"level\":{(level == PinValue.High ? 1 : 0)}}}"), "pin");
            }
        }
        finally
        {
            driver.LevelChanged -= OnLevel;
        }
    }
}

/// <summary>The hook's request: how long to hold the button, in milliseconds.</summary>
public sealed record ButtonPress(int HoldMs);

/// <summary>The hook's answer once the button is released again.</summary>
public sealed record ButtonPressed(int Pin, int HeldMs);
