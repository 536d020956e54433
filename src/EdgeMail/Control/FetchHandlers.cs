using System.Globalization;
using System.Text;
using EdgeMail.Fetch;

namespace EdgeMail.Control;

/// <summary>`fetch reload` on the running service: the fetch accounts were added or removed in the store; start and stop workers.</summary>
internal sealed class FetchReloadHandler(FetchService fetch) : IControlHandler
{
    public string Verb => "fetch reload";

    public Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        fetch.Reload();
        return Task.FromResult(new ControlResponse { Message = "the running service has read the fetch accounts" });
    }
}

/// <summary>
/// `fetch run [NAME]` on the running service: a pass now, answered with each account's outcome, or, when the pass
/// outlasts most of Control:Timeout (a first sync of a large mailbox), with a line saying it goes on.
/// </summary>
internal sealed class FetchRunHandler(FetchService fetch, ControlOptions options) : IControlHandler
{
    public string Verb => "fetch run";

    public async Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        var name = request.Arguments.Length > 0 ? request.Arguments[0] : null;

        // The pass is not tied to this request: it goes on when the answer cannot wait for it.
        var run = fetch.RunAsync(name, CancellationToken.None);
        if (await Task.WhenAny(run, Task.Delay(options.Timeout * 0.8, cancellationToken)).ConfigureAwait(false) != run)
        {
            return new ControlResponse { Message = "the fetch is still running; edgemail fetch status shows how it goes" };
        }

        var results = await run.ConfigureAwait(false);
        if (results is null)
        {
            return ControlResponse.Failed($"no fetch account {name} (see edgemail fetch list)");
        }

        if (results.Count == 0)
        {
            return new ControlResponse { Message = "no fetch accounts (edgemail fetch add)" };
        }

        var text = new StringBuilder();
        foreach (var result in results)
        {
            text.Append(text.Length == 0 ? "" : "\n").Append(result.Error is null
                ? string.Create(CultureInfo.InvariantCulture, $"{result.Name}: {result.Fetched} new message(s)")
                : $"{result.Name}: failed: {result.Error}");
        }

        var failed = results.Where(r => r.Error is not null).ToList();
        return failed.Count == results.Count && results.Count == 1
            ? ControlResponse.Failed($"{failed[0].Name}: {failed[0].Error}")
            : new ControlResponse { Message = text.ToString() };
    }
}
