# The loop behind local/guest/pwsh-session.ts: one pwsh process runs many script jobs, each in a new runspace,
# so a job costs a runspace instead of a process start. A job is one JSON line on stdin:
#   {"id": 1, "dir": "<folder with state.json, parameters.json, script.ps1>", "now": "<ISO>", "computerName": "<name>"}
# The job's stdout, stderr and exit code go to <dir>/result.json; then "done <id>" is printed.
$ErrorActionPreference = 'Stop'
$protocolOut = [Console]::Out
$realError = [Console]::Error

# The same steps as the one-process-per-run command in pwsh-runtime.ts, less the final exit.
$command = @'
$ErrorActionPreference = 'Stop'
. $env:RDPMEDIC_GUEST_SHIM
if ((Get-Command New-Object).CommandType -ne 'Function') { throw 'shim: New-Object is not shimmed' }
$ErrorActionPreference = 'Continue'
$rdpMedicParameters = Get-Content -Raw -LiteralPath $env:RDPMEDIC_GUEST_PARAMS | ConvertFrom-Json -AsHashtable
& $env:RDPMEDIC_GUEST_SCRIPT @rdpMedicParameters
'@

while ($true) {
  $line = [Console]::In.ReadLine()
  if ($null -eq $line) { break }
  $job = ConvertFrom-Json -InputObject $line
  $env:RDPMEDIC_GUEST_STATE = Join-Path $job.dir 'state.json'
  $env:RDPMEDIC_GUEST_PARAMS = Join-Path $job.dir 'parameters.json'
  $env:RDPMEDIC_GUEST_SCRIPT = Join-Path $job.dir 'script.ps1'
  $env:RDPMEDIC_GUEST_NOW = [string]$job.now
  $env:COMPUTERNAME = [string]$job.computerName

  $consoleOut = New-Object System.IO.StringWriter
  $consoleError = New-Object System.IO.StringWriter
  $stdout = New-Object System.Text.StringBuilder
  $exitCode = 0
  $ps = [powershell]::Create()
  [Console]::SetOut($consoleOut)
  [Console]::SetError($consoleError)
  try {
    [void]$ps.AddScript($command)
    foreach ($item in $ps.Invoke()) {
      if ($item.BaseObject -is [string]) { [void]$stdout.AppendLine([string]$item) }
      else { [void]$stdout.Append(($item | Out-String)) }
    }
    $last = $ps.Runspace.SessionStateProxy.GetVariable('LASTEXITCODE')
    if ($null -ne $last) { $exitCode = [int]$last }
    foreach ($record in $ps.Streams.Error) { $consoleError.WriteLine($record.ToString()) }
  } catch {
    # An error nobody caught ends a pwsh -Command run with exit code 1 and the error on stderr.
    $consoleError.WriteLine($_.Exception.Message)
    $exitCode = 1
  } finally {
    [Console]::SetOut($protocolOut)
    [Console]::SetError($realError)
    $ps.Dispose()
  }
  $result = [ordered]@{ stdout = $consoleOut.ToString() + $stdout.ToString(); stderr = $consoleError.ToString(); exitCode = $exitCode }
  [System.IO.File]::WriteAllText((Join-Path $job.dir 'result.json'), (ConvertTo-Json -InputObject $result -Compress), (New-Object System.Text.UTF8Encoding $false))
  $protocolOut.WriteLine("done $($job.id)")
  $protocolOut.Flush()
}
