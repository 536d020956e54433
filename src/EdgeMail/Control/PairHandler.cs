using System.Globalization;
using EdgeMail.Auth.Pairing;

namespace EdgeMail.Control;

/// <summary>`pair` (arguments: "open" or "close") on the running service: opens or closes its pairing window.</summary>
internal sealed class PairHandler(PairingWindow window) : IControlHandler
{
    public string Verb => "pair";

    public Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        var action = request.Arguments.Length == 1 ? request.Arguments[0] : null;
        switch (action)
        {
            case "open":
                window.Open();
                return Task.FromResult(new ControlResponse
                {
                    Message = string.Create(CultureInfo.InvariantCulture, $"pairing window open for {window.Length.TotalSeconds:0} s: pair the device now (edgemail pair --close ends it)"),
                });
            case "close":
                return Task.FromResult(new ControlResponse { Message = window.Close() ? "pairing window closed" : "no pairing window was open" });
            default:
                return Task.FromResult(ControlResponse.Failed("pair takes one argument, open or close"));
        }
    }
}
