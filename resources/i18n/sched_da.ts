<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>RunLogModel</name>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="72"/>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="74"/>
        <source>Started</source>
        <translation>Startet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="76"/>
        <source>Duration</source>
        <translation>Varighed</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="78"/>
        <source>Users</source>
        <translation>Brugere</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="80"/>
        <source>Rules</source>
        <translation>Regler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="82"/>
        <source>Results</source>
        <translation>Resultater</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="84"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="86"/>
        <source>Error</source>
        <translation>Fejl</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="88"/>
        <source>CRM data</source>
        <translation>CRM-data</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="90"/>
        <source>Trigger</source>
        <translation>Udløst af</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="91"/>
        <source>Host</source>
        <translation>Maskine</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="96"/>
        <source>Succeeded</source>
        <translation>Gennemført</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="97"/>
        <source>Failed</source>
        <translation>Fejlet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="98"/>
        <source>Running</source>
        <translation>Kører</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="103"/>
        <source>Nightly</source>
        <translation>Nat</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="104"/>
        <source>Catch-up</source>
        <translation>Indhentning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="105"/>
        <source>Retry</source>
        <translation>Nyt forsøg</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="106"/>
        <source>Manual</source>
        <translation>Manuel</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="107"/>
        <source>Backfill</source>
        <translation>Historik</translation>
    </message>
</context>
<context>
    <name>RunLogWidget</name>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="149"/>
        <source>Run log</source>
        <translation>Kørselslog</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="154"/>
        <source>&amp;Reload</source>
        <translation>&amp;Genindlæs</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="175"/>
        <source>Loading the run log…</source>
        <translation>Henter kørselsloggen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="191"/>
        <source>No KPI runs yet. The first runs tonight, or now.</source>
        <translation>Ingen KPI-kørsler endnu. Den første kører i nat, eller nu.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/run_log.py" line="195"/>
        <source>%n run(s)</source>
        <translation>
            <numerusform>%n kørsel</numerusform>
            <numerusform>%n kørsler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/run_log.py" line="196"/>
        <source>, %n failed</source>
        <translation>
            <numerusform>, %n fejlet</numerusform>
            <numerusform>, %n fejlet</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/run_log.py" line="200"/>
        <source>Could not load the run log: %1</source>
        <translation>Kørselsloggen kunne ikke hentes: %1</translation>
    </message>
</context>
</TS>
