using EdgeMail.Cli;

return await CliProgram.RunAsync(args).ConfigureAwait(false);
