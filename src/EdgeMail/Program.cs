using EdgeMail;

return await Cli.RunAsync(args).ConfigureAwait(false);
