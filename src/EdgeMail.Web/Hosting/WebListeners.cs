namespace EdgeMail.Web.Hosting;

/// <summary>The page's own bound sockets, set once the web application has started (status lists them with the mail listeners).</summary>
internal sealed class WebListeners
{
    private volatile IReadOnlyList<ServiceListener> _current = [];

    public IReadOnlyList<ServiceListener> Current
    {
        get => _current;
        set => _current = value;
    }
}
