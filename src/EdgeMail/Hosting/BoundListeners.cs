using System.Net;
using EdgeMail.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeMail.Hosting;

/// <summary>
/// The mail listeners the running service has really bound, for `status` over the control channel, the web page and
/// the listening line: endpoint name, bound address and port, and how TLS starts there (<c>implicit</c> or
/// <c>starttls</c>). Resolved per call: the listeners are hosted services.
/// </summary>
internal static class BoundListeners
{
    public static IEnumerable<(string Name, IPEndPoint Bound, string Tls)> Of(IServiceProvider services)
    {
        foreach (var listener in services.GetServices<IHostedService>().OfType<MailListenerService>())
        {
            if (listener.LocalEndPoint is { } bound)
            {
                yield return (listener.Endpoint.Name, bound, listener.Endpoint.TlsMode == TlsMode.Implicit ? "implicit" : "starttls");
            }
        }
    }
}
